package dev.baton.bench;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.lock.lease.LeaseLock;
import dev.baton.testsupport.MockApiDispatcher;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Leases on fabric8's CRUD-mode mock API server (HTTPS, in this JVM); a client per candidate. */
final class LeaseBackend implements Backend {
  final KubernetesMockServer server;
  private final Duration lockCallTimeout;
  private final List<KubernetesClient> clients = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, KubernetesClient> byIdentity = new ConcurrentHashMap<>();

  /** The locks' clients time out as the mock server's default client does (10 s), for fabric8's electors. */
  LeaseBackend() {
    this(null);
  }

  /**
   * @param lockCallTimeout the request timeout of the locks' clients (the provider's rule,
   *     {@link ResourceLockOptions#clientTimeoutFor}, for the elector's renewDeadline); null for the
   *     mock server's default
   */
  LeaseBackend(Duration lockCallTimeout) {
    this.lockCallTimeout = lockCallTimeout;
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new MockApiDispatcher(), true);
    server.init();
  }

  KubernetesClient client(String identity) {
    return byIdentity.computeIfAbsent(identity, i -> {
      KubernetesClient c = server.createClient();
      if (lockCallTimeout != null) {
        Config config = new ConfigBuilder(c.getConfiguration()).withRequestTimeout((int) lockCallTimeout.toMillis()).build();
        c.close();
        c = new KubernetesClientBuilder().withConfig(config).build();
      }
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
  public RawStore rawStore() {
    KubernetesClient client = server.createClient();
    clients.add(client);
    return new RawStore() {
      private Lease[] leases;

      @Override
      public void prepare(int count) {
        leases = new Lease[count];
        for (int i = 0; i < count; i++) {
          leases[i] = client.leases().inNamespace("bench-raw").resource(new LeaseBuilder()
              .withNewMetadata().withName("raw-" + i).endMetadata()
              .withNewSpec().withHolderIdentity("bench-raw").withLeaseDurationSeconds(15)
              .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC)).endSpec().build()).create();
        }
      }

      @Override
      public void write(int key) {
        Lease next = new LeaseBuilder(leases[key]).editSpec().withRenewTime(ZonedDateTime.now(ZoneOffset.UTC)).endSpec()
            .build();
        // update() sends the resourceVersion read: compare-and-set, as the lock's update.
        leases[key] = client.leases().inNamespace("bench-raw").resource(next).update();
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }

  /** Watch requests the mock API server received so far, and this JVM's connections to it. */
  @Override
  public String openResources() {
    return watchRequests() + "; " + Resources.connectionsTo("127.0.0.1:" + server.getPort());
  }

  private long watchRequests;

  /** Watch requests the mock server received so far (each holds a connection's stream while open). */
  private synchronized String watchRequests() {
    try {
      for (var r = server.takeRequest(0, java.util.concurrent.TimeUnit.MILLISECONDS); r != null;
          r = server.takeRequest(0, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        if (r.getPath() != null && r.getPath().contains("watch=true")) {
          watchRequests++;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return watchRequests + " watch requests made";
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
