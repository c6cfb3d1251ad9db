package dev.baton.lock.lease;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * client-go's LeaseLock (type {@code leases}) on a {@code coordination.k8s.io/v1} Lease.
 *
 * <ul>
 *   <li>{@link #get} reads the Lease and caches it; the record is the spec converted by
 *       {@link LeaseRecords#toRecord}, and the raw bytes are that record's client-go JSON encoding, as
 *       client-go computes them. A Lease without a spec, or with a half-filled one, reads as zero
 *       values.</li>
 *   <li>{@link #create} creates the Lease (409 is already-exists).</li>
 *   <li>{@link #update} writes the cached Lease with the new spec; its resourceVersion makes the
 *       write compare-and-set (409 is a conflict). Labels given to the lock are applied on create and
 *       update.</li>
 *   <li>{@link #describe()} is {@code namespace/name}; {@link #revision()} the Lease's resourceVersion.</li>
 * </ul>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class LeaseLock extends KubernetesObjectLock<Lease> {

  /**
   * A lock on a client the caller owns and closes.
   *
   * @param client the fabric8 client
   * @param namespace the Lease's namespace (a DNS-1123 label)
   * @param name the Lease's name (a DNS-1123 subdomain)
   * @param config the candidate's identity and event recorder
   * @param labels labels to put on the Lease on create and update
   * @throws IllegalArgumentException when the namespace or name is not valid in Kubernetes
   */
  public LeaseLock(KubernetesClient client, String namespace, String name, ResourceLockConfig config,
      Map<String, String> labels) {
    this(client, false, namespace, name, config, labels);
  }

  LeaseLock(KubernetesClient client, boolean ownsClient, String namespace, String name, ResourceLockConfig config,
      Map<String, String> labels) {
    super(Lease.class, "Lease", client, ownsClient, namespace, name, config, labels);
  }

  @Override
  ObservedRecord read(Lease lease) {
    LeaderElectionRecord record = LeaseRecords.toRecord(lease.getSpec());
    return new ObservedRecord(record, LeaderElectionRecordCodec.encode(record));
  }

  @Override
  Lease newObject(LeaderElectionRecord record) {
    return new LeaseBuilder()
        .withNewMetadata().withNamespace(namespace()).withName(name()).withLabels(labels.isEmpty() ? null : labels).endMetadata()
        .withSpec(LeaseRecords.toLeaseSpec(record))
        .build();
  }

  @Override
  Lease withRecord(Lease current, LeaderElectionRecord record) {
    current.setSpec(LeaseRecords.toLeaseSpec(record));
    return current;
  }
}
