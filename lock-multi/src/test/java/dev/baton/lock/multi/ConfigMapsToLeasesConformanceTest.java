package dev.baton.lock.multi;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.lock.lease.ConfigMapLock;
import dev.baton.lock.lease.LeaseLock;
import dev.baton.testkit.LockCapability;
import dev.baton.testkit.ResourceLockConformanceKit;
import dev.baton.testkit.StoreStall;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
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
  protected void deleteRecord(String namespace, String name) {
    client.configMaps().inNamespace(namespace).withName(name).delete();
    client.leases().inNamespace(namespace).withName(name).delete();
  }

  /** The provider's own clients (timeouts from the options) through a proxy in front of the mock API server. */
  @Override
  protected StoreStall newStoreStall() {
    return StoreStall.throughProxy(lockType(), new InetSocketAddress(server.getHostName(), server.getPort()),
        via -> ResourceLockOptions.builder().setting("kubernetes.kubeconfig", kubeconfigVia(via).toString()).build());
  }

  /** A kubeconfig for the mock API server reached at {@code via}; TLS unverified (the proxy is not in its certificate). */
  private static Path kubeconfigVia(InetSocketAddress via) {
    String yaml = "apiVersion: v1\nkind: Config\nclusters:\n- name: proxy\n  cluster:\n    server: https://127.0.0.1:"
        + via.getPort() + "\n    insecure-skip-tls-verify: true\nusers:\n- name: user\n  user: {}\ncontexts:\n"
        + "- name: proxy\n  context:\n    cluster: proxy\n    user: user\ncurrent-context: proxy\n";
    try {
      Path file = Files.createTempFile("kubeconfig-via-proxy", ".yaml");
      file.toFile().deleteOnExit();
      return Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a kubeconfig: " + e, e);
    }
  }

  @Override
  protected Set<LockCapability> capabilities() {
    return Set.of(LockCapability.REVISION, LockCapability.DELETE_RECORD, LockCapability.STALL);
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
