package dev.baton.lock.lease;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.testkit.LockCapability;
import dev.baton.testkit.ResourceLockConformanceKit;
import dev.baton.testkit.StoreStall;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInfo;

/** The whole conformance kit for Leases against fabric8's CRUD-mode mock API server (or BATON_KUBECONFIG's cluster). */
@DisplayName("Lease lock against a Kubernetes API")
class LeaseLockConformanceTest extends ResourceLockConformanceKit {
  static KitApi api;

  @BeforeAll
  static void startApi() {
    KubernetesApi shared = KubernetesApi.start();
    shared.ensureNamespace("baton-kit");
    shared.ensureNamespace("baton-kit-2");
    api = new KitApi(shared);
  }

  @AfterAll
  static void stopApi() {
    api.close();
  }

  @BeforeEach
  void apiForTest(TestInfo info) {
    api.beforeEach(info);
  }

  @Override
  protected String lockType() {
    return "leases";
  }

  @Override
  protected ResourceLock newLock(String namespace, String name, String identity) {
    // With the watch where the test uses it: see KitApi.
    return api.lock(new LeaseLock(api.current().client(), namespace, name, ResourceLockConfig.of(identity), Map.of()));
  }

  @Override
  protected void deleteRecord(String namespace, String name) {
    api.current().client().leases().inNamespace(namespace).withName(name).delete();
  }

  /** The provider's own client (timeouts from the options) through a proxy in front of the API server. */
  @Override
  protected StoreStall newStoreStall() {
    KubernetesApi current = api.current();
    return StoreStall.throughProxy(lockType(), current.address(), via -> ResourceLockOptions.builder()
        .setting(KubernetesLockSettings.KUBECONFIG, current.kubeconfigVia(via).toString()).build());
  }

  @Override
  protected Set<LockCapability> capabilities() {
    return Set.of(LockCapability.WATCH, LockCapability.REVISION, LockCapability.DELETE_RECORD, LockCapability.STALL);
  }

  @Override
  protected ResourceLockOptions lockOptions() {
    return ResourceLockOptions.builder().client(KubernetesClient.class, api.current().client()).build();
  }
}
