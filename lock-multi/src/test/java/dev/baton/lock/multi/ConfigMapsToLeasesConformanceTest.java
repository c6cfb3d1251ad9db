package dev.baton.lock.multi;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.lock.lease.ConfigMapLock;
import dev.baton.lock.lease.LeaseLock;
import dev.baton.testkit.LockCapability;
import dev.baton.testkit.ResourceLockConformanceKit;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

/** client-go's configmapsleases: a MultiLock of two real Kubernetes locks, on fabric8's CRUD mock API server. */
@DisplayName("MultiLock configmaps-to-leases against a Kubernetes API")
class ConfigMapsToLeasesConformanceTest extends ResourceLockConformanceKit {
  static KubernetesMockServer server;
  static KubernetesClient client;

  @BeforeAll
  static void startApi() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), true);
    server.init();
    client = server.createClient();
  }

  @AfterAll
  static void stopApi() {
    client.close();
    server.destroy();
  }

  @Override
  protected String lockType() {
    return "configmaps-to-leases";
  }

  @Override
  protected ResourceLock newLock(String namespace, String name, String identity) {
    ResourceLockConfig config = ResourceLockConfig.of(identity);
    return new MultiLock(new ConfigMapLock(client, namespace, name, config, Map.of()),
        new LeaseLock(client, namespace, name, config, Map.of()));
  }

  @Override
  protected Set<LockCapability> capabilities() {
    return Set.of(LockCapability.REVISION);
  }

  /** client-go's MultiLock writes the primary, then the secondary: a failed update may have written the primary. */
  @Override
  protected boolean writesAreAtomic() {
    return false;
  }

  @Override
  protected ResourceLockOptions lockOptions() {
    return ResourceLockOptions.builder().client(KubernetesClient.class, client).build();
  }
}
