package dev.baton.lock.lease;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.testkit.LockCapability;
import dev.baton.testkit.ResourceLockConformanceKit;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

/** The whole conformance kit for Leases against fabric8's CRUD-mode mock API server (or BATON_KUBECONFIG's cluster). */
@DisplayName("Lease lock against a Kubernetes API")
class LeaseLockConformanceTest extends ResourceLockConformanceKit {
  static KubernetesApi api;

  @BeforeAll
  static void startApi() {
    api = KubernetesApi.start();
    api.ensureNamespace("baton-kit");
  }

  @AfterAll
  static void stopApi() {
    api.close();
  }

  @Override
  protected String lockType() {
    return "leases";
  }

  @Override
  protected ResourceLock newLock(String namespace, String name, String identity) {
    // Without the watch capability here: see KubernetesApi#withoutWatch.
    return KubernetesApi.withoutWatch(new LeaseLock(api.client(), namespace, name, ResourceLockConfig.of(identity), Map.of()));
  }

  @Override
  protected Set<LockCapability> capabilities() {
    return Set.of(LockCapability.REVISION);
  }

  @Override
  protected ResourceLockOptions lockOptions() {
    return ResourceLockOptions.builder().client(KubernetesClient.class, api.client()).build();
  }
}
