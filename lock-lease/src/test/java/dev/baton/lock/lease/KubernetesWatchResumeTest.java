package dev.baton.lock.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.testkit.fixture.Await;
import dev.baton.testkit.fixture.ProxyMode;
import dev.baton.testkit.fixture.TcpProxy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * How the Kubernetes locks' watch goes on after it breaks, on the mock API server with a dispatcher
 * that records the resourceVersion of every watch request and can answer one with 410 Gone (an
 * ERROR event, as the API server does when a resourceVersion is too old).
 */
class KubernetesWatchResumeTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  private static final String GONE = "{\"type\":\"ERROR\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Status\","
      + "\"status\":\"Failure\",\"code\":410,\"reason\":\"Expired\",\"message\":\"too old resource version\"}}";
  // A mock server per test: these tests cut and blackhole connections to it through a proxy, and fabric8's
  // mock server has been seen not to answer for over 10 s after such a test (two CI runs of 2026-11-30,
  // here and in ElectionOnKubernetesTest); a later test must not inherit that.
  RecordingDispatcher dispatcher;
  KubernetesApi api;

  /** The CRUD dispatcher, recording each watch's resourceVersion and answering the next one with 410 when told. */
  static final class RecordingDispatcher extends KubernetesCrudDispatcher {
    final List<String> watchVersions = new CopyOnWriteArrayList<>();
    /** The path and query of every watch request. */
    final List<String> watchPaths = new CopyOnWriteArrayList<>();
    final AtomicBoolean goneNext = new AtomicBoolean();

    @Override
    public MockResponse handleWatch(String path) {
      watchVersions.add(resourceVersion(path));
      watchPaths.add(path);
      if (goneNext.compareAndSet(true, false)) {
        return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
          @Override
          public void onOpen(WebSocket webSocket, Response response) {
            webSocket.send(GONE);
          }
        });
      }
      return super.handleWatch(path);
    }

    /** The watch requests of a namespace's labelled objects (the shared watch). */
    List<String> sharedWatches() {
      return watchPaths.stream().filter(p -> URLDecoder.decode(p, StandardCharsets.UTF_8).contains(SharedWatches.SELECTOR)).toList();
    }

    /** The watch requests of one object by name. */
    List<String> byNameWatches() {
      return watchPaths.stream().filter(p -> p.contains("fieldSelector=metadata.name")).toList();
    }

    static String resourceVersion(String path) {
      String query = URI.create(path).getRawQuery();
      return query == null ? "" : Arrays.stream(query.split("&"))
          .filter(p -> p.startsWith("resourceVersion="))
          .map(p -> URLDecoder.decode(p.substring("resourceVersion=".length()), StandardCharsets.UTF_8))
          .findFirst().orElse("");
    }
  }

  @BeforeEach
  void start() {
    dispatcher = new RecordingDispatcher();
    api = KubernetesApi.mock(dispatcher);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private KubernetesClient through(TcpProxy proxy, int watchReconnectLimit) {
    return api.newClient(c -> {
      c.setMasterUrl("https://127.0.0.1:" + proxy.port());
      c.setTrustCerts(true);
      c.setDisableHostnameVerification(true);
      c.setWatchReconnectInterval(100);
      c.setWatchReconnectLimit(watchReconnectLimit);
      return c;
    });
  }

  private String version(String name) {
    return api.client().leases().inNamespace("locks").withName(name).get().getMetadata().getResourceVersion();
  }

  @Test
  @DisplayName("After 410 Gone the watch reads the Lease, delivers the write it missed, and watches on from that read")
  void goneReadsAndResumesFromTheRead() throws Exception {
    String name = "gone-" + UUID.randomUUID().toString().substring(0, 8);
    URI master = URI.create(api.client().getMasterUrl().toString());
    List<String> seen = new CopyOnWriteArrayList<>();
    try (TcpProxy proxy = TcpProxy.to(master.getHost(), master.getPort());
        KubernetesClient proxied = through(proxy, -1)) {
      LeaseLock writer = new LeaseLock(api.client(), "locks", name, ResourceLockConfig.of("x"), Map.of());
      LeaseLock watcher = new LeaseLock(proxied, "locks", name, ResourceLockConfig.of("w"), Map.of());
      writer.create(LeaderElectionRecord.of("a", 15, T, T, 0));
      String a = version(name);
      dispatcher.watchVersions.clear();
      try (var watch = watcher.watch(r -> seen.add(r == null ? "deleted" : r.record().holderIdentity()))) {
        assertEquals(List.of(a), dispatcher.watchVersions, "the watch starts from the resourceVersion it read");
        proxy.setMode(ProxyMode.RESET);
        writer.update(LeaderElectionRecord.of("b", 15, T, T, 1));
        String b = version(name);
        dispatcher.goneNext.set(true);
        proxy.setMode(ProxyMode.PASS);
        // fabric8 reconnects from a; the server answers 410; the lock reads b and watches from there.
        Await.until(() -> seen.contains("b"), Duration.ofSeconds(15), "the write missed while cut off, got " + seen);
        Await.until(() -> dispatcher.watchVersions.size() >= 3, Duration.ofSeconds(10),
            "a watch after the read, got watches from " + dispatcher.watchVersions);
        assertEquals(List.of(a, a, b), dispatcher.watchVersions.subList(0, 3),
            "from the read, fabric8's reconnect from the last version it saw, then from the lock's new read");
        writer.update(LeaderElectionRecord.of("c", 15, T, T, 2));
        Await.until(() -> seen.contains("c"), Duration.ofSeconds(10), "the write after the resync, got " + seen);
        assertEquals(List.of("b", "c"), seen, "each write once; not the state the watch started from");
      }
    }
  }

  @Test
  @DisplayName("A watch fabric8 gives up on is opened again from the last resourceVersion delivered, and delivers what it missed")
  void reopenResumesFromLastVersionSeen() throws Exception {
    String name = "reopen-" + UUID.randomUUID().toString().substring(0, 8);
    URI master = URI.create(api.client().getMasterUrl().toString());
    List<String> seen = new CopyOnWriteArrayList<>();
    // A reconnect limit of 0: fabric8 closes the watch at the first break and the lock opens it again.
    try (TcpProxy proxy = TcpProxy.to(master.getHost(), master.getPort());
        KubernetesClient proxied = through(proxy, 0)) {
      LeaseLock writer = new LeaseLock(api.client(), "locks", name, ResourceLockConfig.of("x"), Map.of());
      LeaseLock watcher = new LeaseLock(proxied, "locks", name, ResourceLockConfig.of("w"), Map.of());
      writer.create(LeaderElectionRecord.of("a", 15, T, T, 0));
      dispatcher.watchVersions.clear();
      try (var watch = watcher.watch(r -> seen.add(r == null ? "deleted" : r.record().holderIdentity()))) {
        writer.update(LeaderElectionRecord.of("b", 15, T, T, 1));
        String b = version(name);
        Await.until(() -> seen.contains("b"), Duration.ofSeconds(10), "the first write, got " + seen);
        proxy.setMode(ProxyMode.RESET);
        writer.update(LeaderElectionRecord.of("c", 15, T, T, 2));
        proxy.setMode(ProxyMode.PASS);
        Await.until(() -> seen.contains("c"), Duration.ofSeconds(15), "the write made while cut off, got " + seen);
        assertEquals(b, dispatcher.watchVersions.get(dispatcher.watchVersions.size() - 1),
            "the watch was opened again from the last resourceVersion delivered; watches: " + dispatcher.watchVersions);
        writer.update(LeaderElectionRecord.of("d", 15, T, T, 3));
        Await.until(() -> seen.contains("d"), Duration.ofSeconds(10), "the write after the reopen, got " + seen);
        assertEquals(List.of("b", "c", "d"), seen, "each write once, in order");
      }
    }
  }
}
