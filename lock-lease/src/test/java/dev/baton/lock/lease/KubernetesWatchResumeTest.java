package dev.baton.lock.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.testkit.fixture.Await;
import dev.baton.testkit.fixture.ProxyMode;
import dev.baton.testkit.fixture.TcpProxy;
import dev.baton.testsupport.MockApiDispatcher;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * How the Kubernetes locks' watches go on after they break, the shared watch of a namespace's
 * labelled Leases and the watch by name of an unlabelled one, on the mock API server with a
 * dispatcher that records every watch request and can answer one with 410 Gone (an ERROR event, as
 * the API server does when a resourceVersion is too old).
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
  static class RecordingDispatcher extends MockApiDispatcher {
    /** The path and query of every watch request. */
    final List<String> watchPaths = new CopyOnWriteArrayList<>();
    /** Answers the next watch request whose path it accepts with 410 Gone, once. */
    final AtomicReference<Predicate<String>> goneNext = new AtomicReference<>();

    @Override
    public MockResponse handleWatch(String path) {
      watchPaths.add(path);
      Predicate<String> gone = goneNext.get();
      if (gone != null && gone.test(path) && goneNext.compareAndSet(gone, null)) {
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
      return watchPaths.stream().filter(RecordingDispatcher::isShared).toList();
    }

    /** The watch requests of one object by name. */
    List<String> byNameWatches() {
      return watchPaths.stream().filter(RecordingDispatcher::isByName).toList();
    }

    static boolean isShared(String path) {
      return URLDecoder.decode(path, StandardCharsets.UTF_8).contains("labelSelector=" + SharedWatches.SELECTOR);
    }

    static boolean isByName(String path) {
      return URLDecoder.decode(path, StandardCharsets.UTF_8).contains("fieldSelector=metadata.name=");
    }

    /** The resourceVersions of the watch requests {@code which} accepts. */
    List<String> versions(Predicate<String> which) {
      return watchPaths.stream().filter(which).map(RecordingDispatcher::resourceVersion).toList();
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

  /** Writes {@code holder} as client-go would: the Lease's labels as they are (an unlabelled Lease stays unlabelled). */
  private void writeAsClientGo(String name, String holder, int transitions) {
    Lease lease = api.client().leases().inNamespace("locks").withName(name).get();
    lease.setSpec(LeaseRecords.toLeaseSpec(LeaderElectionRecord.of(holder, 15, T, T, transitions)));
    api.client().resource(lease).update();
  }

  private void createUnlabelled(String name, String holder) {
    api.client().resource(new LeaseBuilder().withNewMetadata().withNamespace("locks").withName(name).endMetadata()
        .withSpec(LeaseRecords.toLeaseSpec(LeaderElectionRecord.of(holder, 15, T, T, 0))).build()).create();
  }

  @Test
  @DisplayName("Shared watch: after 410 Gone it lists the namespace's labelled Leases, delivers to each lock the write it missed, "
      + "and watches on from the list")
  void sharedGoneRelistsAndResumesFromTheList() throws Exception {
    String one = "gone-" + UUID.randomUUID().toString().substring(0, 8);
    String two = "gone-" + UUID.randomUUID().toString().substring(0, 8);
    URI master = URI.create(api.client().getMasterUrl().toString());
    List<String> seen1 = new CopyOnWriteArrayList<>();
    List<String> seen2 = new CopyOnWriteArrayList<>();
    try (TcpProxy proxy = TcpProxy.to(master.getHost(), master.getPort());
        KubernetesClient proxied = through(proxy, -1)) {
      LeaseLock writer1 = new LeaseLock(api.client(), "locks", one, ResourceLockConfig.of("x"), Map.of());
      LeaseLock writer2 = new LeaseLock(api.client(), "locks", two, ResourceLockConfig.of("x"), Map.of());
      writer1.create(LeaderElectionRecord.of("a1", 15, T, T, 0));
      writer2.create(LeaderElectionRecord.of("a2", 15, T, T, 0));
      String a = version(two);
      dispatcher.watchPaths.clear();
      try (var w1 = new LeaseLock(proxied, "locks", one, ResourceLockConfig.of("w"), Map.of()).watch(r -> seen1.add(holder(r)));
          var w2 = new LeaseLock(proxied, "locks", two, ResourceLockConfig.of("w"), Map.of()).watch(r -> seen2.add(holder(r)))) {
        assertEquals(List.of(a), dispatcher.versions(RecordingDispatcher::isShared),
            "one shared watch, from the namespace's current resourceVersion: " + dispatcher.watchPaths);
        assertEquals(List.of(), dispatcher.byNameWatches(), "labelled Leases need no watch by name");
        proxy.setMode(ProxyMode.RESET);
        writer1.update(LeaderElectionRecord.of("b1", 15, T, T, 1));
        writer2.update(LeaderElectionRecord.of("b2", 15, T, T, 1));
        String b = version(two);
        dispatcher.goneNext.set(RecordingDispatcher::isShared);
        proxy.setMode(ProxyMode.PASS);
        // fabric8 reconnects from a; the server answers 410; the shared watch lists (at b) and watches from there.
        Await.until(() -> seen1.contains("b1") && seen2.contains("b2"), Duration.ofSeconds(15),
            "the writes missed while cut off, got " + seen1 + " and " + seen2);
        Await.until(() -> dispatcher.sharedWatches().size() >= 3, Duration.ofSeconds(10),
            "a watch after the list, got " + dispatcher.watchPaths);
        assertEquals(List.of(a, a, b), dispatcher.versions(RecordingDispatcher::isShared).subList(0, 3),
            "from the namespace's resourceVersion, fabric8's reconnect from the last one it saw, then from the list");
        writer1.update(LeaderElectionRecord.of("c1", 15, T, T, 2));
        writer2.update(LeaderElectionRecord.of("c2", 15, T, T, 2));
        Await.until(() -> seen1.contains("c1") && seen2.contains("c2"), Duration.ofSeconds(10),
            "the writes after the relist, got " + seen1 + " and " + seen2);
        assertEquals(List.of("b1", "c1"), seen1, "each write once; not the state the watch started from");
        assertEquals(List.of("b2", "c2"), seen2, "each write once; not the state the watch started from");
        assertEquals(List.of(), dispatcher.byNameWatches(), "no watch by name: " + dispatcher.watchPaths);
      }
    }
  }

  @Test
  @DisplayName("Shared watch: when fabric8 gives up, it is opened again from the last resourceVersion seen, and delivers what it missed")
  void sharedReopenResumesFromLastVersionSeen() throws Exception {
    String name = "reopen-" + UUID.randomUUID().toString().substring(0, 8);
    URI master = URI.create(api.client().getMasterUrl().toString());
    List<String> seen = new CopyOnWriteArrayList<>();
    // A reconnect limit of 0: fabric8 closes the watch at the first break and the lock opens it again.
    try (TcpProxy proxy = TcpProxy.to(master.getHost(), master.getPort());
        KubernetesClient proxied = through(proxy, 0)) {
      LeaseLock writer = new LeaseLock(api.client(), "locks", name, ResourceLockConfig.of("x"), Map.of());
      LeaseLock watcher = new LeaseLock(proxied, "locks", name, ResourceLockConfig.of("w"), Map.of());
      writer.create(LeaderElectionRecord.of("a", 15, T, T, 0));
      dispatcher.watchPaths.clear();
      try (var watch = watcher.watch(r -> seen.add(holder(r)))) {
        writer.update(LeaderElectionRecord.of("b", 15, T, T, 1));
        String b = version(name);
        Await.until(() -> seen.contains("b"), Duration.ofSeconds(10), "the first write, got " + seen);
        proxy.setMode(ProxyMode.RESET);
        writer.update(LeaderElectionRecord.of("c", 15, T, T, 2));
        proxy.setMode(ProxyMode.PASS);
        Await.until(() -> seen.contains("c"), Duration.ofSeconds(15), "the write made while cut off, got " + seen);
        List<String> shared = dispatcher.versions(RecordingDispatcher::isShared);
        assertEquals(b, shared.get(shared.size() - 1),
            "the shared watch was opened again from the last resourceVersion delivered; watches: " + dispatcher.watchPaths);
        writer.update(LeaderElectionRecord.of("d", 15, T, T, 3));
        Await.until(() -> seen.contains("d"), Duration.ofSeconds(10), "the write after the reopen, got " + seen);
        assertEquals(List.of("b", "c", "d"), seen, "each write once, in order");
        assertEquals(List.of(), dispatcher.byNameWatches(), "no watch by name: " + dispatcher.watchPaths);
      }
    }
  }

  @Test
  @DisplayName("Watch by name (an unlabelled Lease): after 410 Gone it reads the Lease, delivers the write it missed, and watches on "
      + "from that read")
  void byNameGoneReadsAndResumesFromTheRead() throws Exception {
    String name = "gone-" + UUID.randomUUID().toString().substring(0, 8);
    URI master = URI.create(api.client().getMasterUrl().toString());
    List<String> seen = new CopyOnWriteArrayList<>();
    try (TcpProxy proxy = TcpProxy.to(master.getHost(), master.getPort());
        KubernetesClient proxied = through(proxy, -1)) {
      LeaseLock watcher = new LeaseLock(proxied, "locks", name, ResourceLockConfig.of("w"), Map.of());
      createUnlabelled(name, "a");
      String a = version(name);
      dispatcher.watchPaths.clear();
      try (var watch = watcher.watch(r -> seen.add(holder(r)))) {
        assertEquals(List.of(a), dispatcher.versions(RecordingDispatcher::isByName),
            "the watch by name starts from the resourceVersion it read: " + dispatcher.watchPaths);
        proxy.setMode(ProxyMode.RESET);
        writeAsClientGo(name, "b", 1);
        String b = version(name);
        dispatcher.goneNext.set(RecordingDispatcher::isByName);
        proxy.setMode(ProxyMode.PASS);
        // fabric8 reconnects from a; the server answers 410; the lock reads b and watches from there.
        Await.until(() -> seen.contains("b"), Duration.ofSeconds(15), "the write missed while cut off, got " + seen);
        Await.until(() -> dispatcher.byNameWatches().size() >= 3, Duration.ofSeconds(10),
            "a watch after the read, got " + dispatcher.watchPaths);
        assertEquals(List.of(a, a, b), dispatcher.versions(RecordingDispatcher::isByName).subList(0, 3),
            "from the read, fabric8's reconnect from the last version it saw, then from the lock's new read");
        writeAsClientGo(name, "c", 2);
        Await.until(() -> seen.contains("c"), Duration.ofSeconds(10), "the write after the resync, got " + seen);
        assertEquals(List.of("b", "c"), seen, "each write once; not the state the watch started from");
      }
    }
  }

  @Test
  @DisplayName("Watch by name (an unlabelled Lease): when fabric8 gives up, it is opened again from the last resourceVersion "
      + "delivered, and delivers what it missed")
  void byNameReopenResumesFromLastVersionSeen() throws Exception {
    String name = "reopen-" + UUID.randomUUID().toString().substring(0, 8);
    URI master = URI.create(api.client().getMasterUrl().toString());
    List<String> seen = new CopyOnWriteArrayList<>();
    try (TcpProxy proxy = TcpProxy.to(master.getHost(), master.getPort());
        KubernetesClient proxied = through(proxy, 0)) {
      LeaseLock watcher = new LeaseLock(proxied, "locks", name, ResourceLockConfig.of("w"), Map.of());
      createUnlabelled(name, "a");
      dispatcher.watchPaths.clear();
      try (var watch = watcher.watch(r -> seen.add(holder(r)))) {
        writeAsClientGo(name, "b", 1);
        String b = version(name);
        Await.until(() -> seen.contains("b"), Duration.ofSeconds(10), "the first write, got " + seen);
        proxy.setMode(ProxyMode.RESET);
        writeAsClientGo(name, "c", 2);
        proxy.setMode(ProxyMode.PASS);
        Await.until(() -> seen.contains("c"), Duration.ofSeconds(15), "the write made while cut off, got " + seen);
        List<String> byName = dispatcher.versions(RecordingDispatcher::isByName);
        assertEquals(b, byName.get(byName.size() - 1),
            "the watch by name was opened again from the last resourceVersion seen; watches: " + dispatcher.watchPaths);
        writeAsClientGo(name, "d", 3);
        Await.until(() -> seen.contains("d"), Duration.ofSeconds(10), "the write after the reopen, got " + seen);
        assertEquals(List.of("b", "c", "d"), seen, "each write once, in order");
      }
    }
  }

  private static String holder(dev.baton.leaderelection.resourcelock.ObservedRecord r) {
    return r == null ? "deleted" : r.record().holderIdentity();
  }
}
