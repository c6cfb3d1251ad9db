package dev.baton.lock.lease;

import dev.baton.leaderelection.resourcelock.CorruptRecordException;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ConfigMap lock (type {@code configmaps}): the record as JSON in the annotation
 * {@value ResourceLocks#LEADER_ELECTION_RECORD_ANNOTATION_KEY}, as client-go's old ConfigMap lock
 * kept it; for migrating elections to Leases (see the MultiLock).
 *
 * <p>The raw bytes are the annotation's bytes, as in client-go. It also reads the annotation
 * written by fabric8's own {@code ConfigMapLock}, which stores {@code leaseDuration} as a Java
 * duration ({@code "PT15S"}) instead of {@code leaseDurationSeconds} ({@link Fabric8Records}); it
 * always writes client-go's form. A ConfigMap without the annotation reads as a record with zero
 * values; an annotation that is neither form is a corrupt record, and is never overwritten.
 */
public final class ConfigMapLock extends KubernetesObjectLock<ConfigMap> {

  /**
   * A lock on a client the caller owns and closes.
   *
   * @param client the fabric8 client
   * @param namespace the ConfigMap's namespace
   * @param name the ConfigMap's name
   * @param config the candidate's identity and event recorder
   * @param labels labels to put on the ConfigMap on create and update
   * @throws IllegalArgumentException when the namespace or name is not valid in Kubernetes
   */
  public ConfigMapLock(KubernetesClient client, String namespace, String name, ResourceLockConfig config,
      Map<String, String> labels) {
    this(client, false, namespace, name, config, labels);
  }

  ConfigMapLock(KubernetesClient client, boolean ownsClient, String namespace, String name, ResourceLockConfig config,
      Map<String, String> labels) {
    super(ConfigMap.class, "ConfigMap", client, ownsClient, namespace, name, config, labels);
  }

  @Override
  ObservedRecord read(ConfigMap configMap) throws CorruptRecordException {
    Map<String, String> annotations = configMap.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(ResourceLocks.LEADER_ELECTION_RECORD_ANNOTATION_KEY);
    if (value == null) {
      // client-go unmarshals nothing into a zero record.
      return new ObservedRecord(new LeaderElectionRecord("", 0, null, null, 0, "", ""), new byte[0]);
    }
    byte[] raw = value.getBytes(StandardCharsets.UTF_8);
    try {
      return LeaderElectionRecordCodec.decode(raw, describe());
    } catch (CorruptRecordException notClientGo) {
      return Fabric8Records.decode(raw).map(r -> new ObservedRecord(r, raw)).orElseThrow(() -> notClientGo);
    }
  }

  @Override
  ConfigMap newObject(LeaderElectionRecord record) {
    return new ConfigMapBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels.isEmpty() ? null : labels)
        .withAnnotations(Map.of(ResourceLocks.LEADER_ELECTION_RECORD_ANNOTATION_KEY, annotation(record)))
        .endMetadata()
        .build();
  }

  @Override
  ConfigMap withRecord(ConfigMap current, LeaderElectionRecord record) {
    Map<String, String> annotations = new LinkedHashMap<>(
        current.getMetadata().getAnnotations() == null ? Map.of() : current.getMetadata().getAnnotations());
    annotations.put(ResourceLocks.LEADER_ELECTION_RECORD_ANNOTATION_KEY, annotation(record));
    current.getMetadata().setAnnotations(annotations);
    return current;
  }

  private static String annotation(LeaderElectionRecord record) {
    return new String(LeaderElectionRecordCodec.encode(record), StandardCharsets.UTF_8);
  }
}
