package dev.baton.lock.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import dev.baton.testkit.fixture.Await;
import dev.baton.testkit.fixture.FreePorts;
import dev.baton.testkit.fixture.ProxyMode;
import dev.baton.testkit.fixture.TcpProxy;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The etcd lock's own behaviour: keys, settings, secrets, unreachable servers, the watch. */
class EtcdLockTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  static EtcdServer etcd;

  @BeforeAll
  static void startEtcd() {
    etcd = EtcdServer.start();
  }

  @AfterAll
  static void stopEtcd() {
    etcd.close();
  }

  private static ResourceLockOptions.Builder options() {
    return ResourceLockOptions.builder().setting(EtcdLockSettings.ENDPOINTS, etcd.endpoints());
  }

  @Test
  @DisplayName("The record is stored under <prefix>/<namespace>/<name> as its client-go JSON bytes, unchanged")
  void keyAndBytes() throws Exception {
    String name = "k-" + UUID.randomUUID();
    try (EtcdLock lock = (EtcdLock) ResourceLocks.newLock("etcd", "team-a", name, ResourceLockConfig.of("me"),
        options().setting(EtcdLockSettings.PREFIX, "/apps/elections/").build())) {
      LeaderElectionRecord record = LeaderElectionRecord.of("me", 15, T, T, 2);
      lock.create(record);
      assertEquals("/apps/elections/team-a/" + name, lock.key());
      byte[] stored = etcd.get(lock.key()).orElseThrow();
      assertEquals("{\"holderIdentity\":\"me\",\"leaseDurationSeconds\":15,\"acquireTime\":\"2030-01-01T00:00:00Z\","
          + "\"renewTime\":\"2030-01-01T00:00:00Z\",\"leaderTransitions\":2,\"strategy\":\"\",\"preferredHolder\":\"\"}",
          new String(stored, java.nio.charset.StandardCharsets.UTF_8));
      assertTrue(lock.describe().contains("team-a/" + name) && lock.describe().contains(etcd.endpoints()), lock.describe());
    }
  }

  @Test
  @DisplayName("Bad settings are reported together, naming each setting, its value and the rule")
  void badSettings() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResourceLocks.newLock("etcd", "ns", "n",
        ResourceLockConfig.of("me"), ResourceLockOptions.builder()
            .setting(EtcdLockSettings.ENDPOINTS, "127.0.0.1:2379,ftp://x:1")
            .setting(EtcdLockSettings.PREFIX, "relative")
            .setting(EtcdLockSettings.TLS_CERT, "/nonexistent/cert.pem")
            .setting(EtcdLockSettings.USER, "root")
            .build()));
    String m = e.getMessage();
    assertTrue(m.startsWith("Invalid etcd lock settings: "), m);
    for (String expected : List.of("etcd.endpoints entry '127.0.0.1:2379' must be http://HOST:PORT",
        "etcd.endpoints entry 'ftp://x:1'", "etcd.prefix 'relative' must start with '/'",
        "etcd.tls.cert '/nonexistent/cert.pem' is not a readable file", "etcd.tls.cert and etcd.tls.key must be given together",
        "etcd.user and etcd.password must be given together")) {
      assertTrue(m.contains(expected), "missing '" + expected + "' in: " + m);
    }
    IllegalArgumentException credentials = assertThrows(IllegalArgumentException.class, () -> ResourceLocks.newLock(
        "etcd", "ns", "n", ResourceLockConfig.of("me"),
        ResourceLockOptions.builder().setting(EtcdLockSettings.ENDPOINTS, "http://root:s3cr3t@127.0.0.1:2379").build()));
    assertTrue(credentials.getMessage().contains("'http://****@127.0.0.1:2379' must not carry credentials"),
        credentials.getMessage());
    assertFalse(credentials.getMessage().contains("s3cr3t"), credentials.getMessage());
    IllegalArgumentException slash = assertThrows(IllegalArgumentException.class, () -> ResourceLocks.newLock("etcd",
        "ns", "a/b", ResourceLockConfig.of("me"), options().build()));
    assertTrue(slash.getMessage().contains("name must be non-empty and contain no '/'; got 'a/b'"), slash.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> ResourceLocks.newLock("etcd", "ns", "n", ResourceLockConfig.of("me"), ResourceLockOptions.defaults()));
    assertTrue(missing.getMessage().contains("etcd.endpoints is missing"), missing.getMessage());
  }

  @Test
  @DisplayName("The password never appears in describe(), toString() or errors")
  void passwordNeverPrinted() throws Exception {
    int nobody = FreePorts.one();
    ResourceLockOptions opts = ResourceLockOptions.builder()
        .setting(EtcdLockSettings.ENDPOINTS, "http://127.0.0.1:" + nobody)
        .setting(EtcdLockSettings.USER, "root").setting(EtcdLockSettings.PASSWORD, "s3cr3t-Pa55")
        .renewDeadline(Duration.ofSeconds(2)).build();
    try (EtcdLock lock = (EtcdLock) ResourceLocks.newLock("etcd", "ns", "n", ResourceLockConfig.of("me"), opts)) {
      Exception e = assertThrows(Exception.class, lock::get);
      for (String text : List.of(lock.describe(), lock.toString(), e.toString(), opts.toString(),
          EtcdLockSettings.from(opts, true).toString())) {
        assertFalse(text.contains("s3cr3t-Pa55"), "password printed in: " + text);
      }
    }
  }

  @Test
  @DisplayName("An unreachable endpoint gives a transient error naming it within the client timeout, never a hang")
  void unreachable() throws Exception {
    int nobody = FreePorts.one();
    ResourceLockOptions opts = ResourceLockOptions.builder()
        .setting(EtcdLockSettings.ENDPOINTS, "http://127.0.0.1:" + nobody).renewDeadline(Duration.ofSeconds(2)).build();
    try (EtcdLock lock = (EtcdLock) ResourceLocks.newLock("etcd", "ns", "n", ResourceLockConfig.of("me"), opts)) {
      long start = System.nanoTime();
      TransientLockException e = assertThrows(TransientLockException.class, lock::get);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took + " with a 1 s client timeout");
      assertTrue(e.getMessage().contains("127.0.0.1:" + nobody), e.getMessage());
    }
  }

  @Test
  @DisplayName("The watch delivers writes and deletes of the key, and nothing for other keys")
  void watch() throws Exception {
    String name = "w-" + UUID.randomUUID();
    ResourceLock writer = ResourceLocks.newLock("etcd", "ns", name, ResourceLockConfig.of("w"), options().build());
    WatchableResourceLock watcher = assertInstanceOf(WatchableResourceLock.class,
        ResourceLocks.newLock("etcd", "ns", name, ResourceLockConfig.of("r"), options().build()));
    List<String> seen = new CopyOnWriteArrayList<>();
    try (WatchableResourceLock.RecordWatch w = watcher.watch(r -> seen.add(r == null ? "deleted" : r.record().holderIdentity()))) {
      writer.create(LeaderElectionRecord.of("w", 15, T, T, 0));
      etcd.put(EtcdLock.key(EtcdLockSettings.DEFAULT_PREFIX, "ns", name + "-other"), new byte[] {1});
      writer.update(LeaderElectionRecord.of("x", 15, T, T, 1));
      etcd.client().getKVClient().delete(EtcdServer.bytes(((EtcdLock) writer).key())).get();
      Await.until(() -> seen.size() >= 3, Duration.ofSeconds(10), "watch events, got " + seen);
      assertEquals(List.of("w", "x", "deleted"), seen);
    } finally {
      ((AutoCloseable) writer).close();
      ((AutoCloseable) watcher).close();
    }
  }

  @Test
  @DisplayName("A watch cut off while etcd compacts past its revision resumes with the key's current record")
  void watchSurvivesCompaction() throws Exception {
    String name = "c-" + UUID.randomUUID();
    URI server = URI.create(etcd.endpoints().split(",")[0].trim());
    List<String> seen = new CopyOnWriteArrayList<>();
    try (TcpProxy proxy = TcpProxy.to(server.getHost(), server.getPort());
        EtcdLock writer = (EtcdLock) ResourceLocks.newLock("etcd", "ns", name, ResourceLockConfig.of("w"), options().build());
        EtcdLock watcher = (EtcdLock) ResourceLocks.newLock("etcd", "ns", name, ResourceLockConfig.of("r"),
            ResourceLockOptions.builder().setting(EtcdLockSettings.ENDPOINTS, "http://127.0.0.1:" + proxy.port()).build());
        WatchableResourceLock.RecordWatch w = watcher.watch(r -> seen.add(r == null ? "deleted" : r.record().holderIdentity()))) {
      writer.create(LeaderElectionRecord.of("a", 15, T, T, 0));
      Await.until(() -> seen.contains("a"), Duration.ofSeconds(10), "the first write, got " + seen);

      proxy.setMode(ProxyMode.RESET);
      writer.update(LeaderElectionRecord.of("b", 15, T, T, 1));
      writer.update(LeaderElectionRecord.of("c", 15, T, T, 2));
      etcd.client().getKVClient().compact(writer.revision().orElseThrow()).get(10, TimeUnit.SECONDS);
      proxy.setMode(ProxyMode.PASS);

      Await.until(() -> seen.contains("c"), Duration.ofSeconds(15), "the current record after the compaction");
      writer.update(LeaderElectionRecord.of("d", 15, T, T, 3));
      Await.until(() -> seen.contains("d"), Duration.ofSeconds(10), "writes after the resync");
      assertEquals(List.of("a", "c", "d"), seen, "b was compacted away; nothing is delivered twice");
    }
  }

  @Test
  @DisplayName("A watch whose registration reaches etcd late still delivers the writes made as soon as watch() returned")
  void watchRegisteredLateMissesNothing() throws Exception {
    String name = "l-" + UUID.randomUUID();
    URI server = URI.create(etcd.endpoints().split(",")[0].trim());
    List<String> seen = new CopyOnWriteArrayList<>();
    try (TcpProxy proxy = TcpProxy.to(server.getHost(), server.getPort());
        EtcdLock writer = (EtcdLock) ResourceLocks.newLock("etcd", "ns", name, ResourceLockConfig.of("w"), options().build());
        EtcdLock watcher = (EtcdLock) ResourceLocks.newLock("etcd", "ns", name, ResourceLockConfig.of("r"),
            ResourceLockOptions.builder().setting(EtcdLockSettings.ENDPOINTS, "http://127.0.0.1:" + proxy.port()).build())) {
      writer.create(LeaderElectionRecord.of("a", 15, T, T, 0));
      // Every byte between the watcher and etcd now takes 300 ms: the watch is registered long after
      // watch() returns, and the writer, on a direct connection, writes twice before that.
      proxy.setMode(ProxyMode.delay(Duration.ofMillis(300)));
      try (WatchableResourceLock.RecordWatch w = watcher.watch(r -> seen.add(r == null ? "deleted" : r.record().holderIdentity()))) {
        writer.update(LeaderElectionRecord.of("b", 15, T, T, 1));
        writer.update(LeaderElectionRecord.of("c", 15, T, T, 2));
        Await.until(() -> seen.contains("c"), Duration.ofSeconds(10), "the writes made right after watch(), got " + seen);
        assertEquals(List.of("b", "c"), seen, "each write after the watch's read, once, in order; the state read not at all");
      }
    }
  }

  @Test
  @DisplayName("revision() is the key's mod revision, as etcd reports it")
  void revisionIsModRevision() throws Exception {
    String name = "r-" + UUID.randomUUID();
    try (EtcdLock lock = (EtcdLock) ResourceLocks.newLock("etcd", "ns", name, ResourceLockConfig.of("me"), options().build())) {
      lock.create(LeaderElectionRecord.of("me", 15, T, T, 0));
      long mod = etcd.client().getKVClient().get(EtcdServer.bytes(lock.key())).get().getKvs().get(0).getModRevision();
      assertEquals(mod, lock.revision().orElseThrow());
      ObservedRecord again = lock.get();
      assertEquals("me", again.record().holderIdentity());
      assertEquals(mod, lock.revision().orElseThrow());
    }
  }
}
