package dev.baton.lock.lease;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.testkit.LockCapability;
import dev.baton.testkit.ResourceLockConformanceKit;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

/** The whole conformance kit for the ConfigMap lock against fabric8's CRUD-mode mock API server. */
@DisplayName("ConfigMap lock against a Kubernetes API")
class ConfigMapLockConformanceTest extends ResourceLockConformanceKit {
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
    return "configmaps";
  }

  @Override
  protected ResourceLock newLock(String namespace, String name, String identity) {
    // Without the watch capability here: see KubernetesApi#withoutWatch.
    return KubernetesApi.withoutWatch(new ConfigMapLock(api.client(), namespace, name, ResourceLockConfig.of(identity), Map.of()));
  }

  @Override
  protected void plantRawRecord(String namespace, String name, byte[] raw) {
    api.plantAnnotation(namespace, name, raw);
  }

  @Override
  protected Optional<byte[]> storedRawRecord(String namespace, String name) {
    return api.annotation(namespace, name);
  }

  @Override
  protected Set<LockCapability> capabilities() {
    return Set.of(LockCapability.REVISION, LockCapability.RAW_RECORD);
  }

  @Override
  protected ResourceLockOptions lockOptions() {
    return ResourceLockOptions.builder().client(KubernetesClient.class, api.client()).build();
  }
}
