package dev.baton.bench;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.lock.lease.LeaseLock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Leases on fabric8's CRUD-mode mock API server (HTTPS, in this JVM); a client per candidate. */
final class LeaseBackend implements Backend {
  final KubernetesMockServer server;
  private final List<KubernetesClient> clients = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, KubernetesClient> byIdentity = new ConcurrentHashMap<>();

  LeaseBackend() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), true);
    server.init();
  }

  KubernetesClient client(String identity) {
    return byIdentity.computeIfAbsent(identity, i -> {
      KubernetesClient c = server.createClient();
      clients.add(c);
      return c;
    });
  }

  @Override
  public String name() {
    return "leases (mock API server)";
  }

  @Override
  public ResourceLock newLock(String lockName, String identity) {
    return new LeaseLock(client(lockName.startsWith("scale-") ? "shared" : identity), "bench", lockName,
        ResourceLockConfig.of(identity), Map.of());
  }

  @Override
  public boolean watches() {
    return true;
  }

  @Override
  public void close() {
    clients.forEach(KubernetesClient::close);
    server.destroy();
  }
}
