package dev.baton.lock.zookeeper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.CorruptRecordException;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import dev.baton.testkit.fixture.Await;
import dev.baton.testkit.fixture.FreePorts;
import dev.baton.testkit.fixture.ProxyMode;
import dev.baton.testkit.fixture.TcpProxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The ZooKeeper lock's own behaviour: node layout, settings, digest ACLs, secrets, unreachable ensembles. */
class ZooKeeperLockTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  static ZooKeeperServer zookeeper;

  @BeforeAll
  static void start() {
    zookeeper = ZooKeeperServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    zookeeper.close();
  }

  private static ResourceLockOptions.Builder options() {
    return ResourceLockOptions.builder().setting(ZooKeeperLockSettings.CONNECT, zookeeper.connect());
  }

  private static ZooKeeperLock lock(String name, String identity, ResourceLockOptions options) throws LockException {
    return lock("team-a", name, identity, options);
  }

  private static ZooKeeperLock lock(String namespace, String name, String identity, ResourceLockOptions options)
      throws LockException {
    return (ZooKeeperLock) ResourceLocks.newLock("zookeeper", namespace, name, ResourceLockConfig.of(identity), options);
  }

  @Test
  @DisplayName("The record is the client-go JSON in the persistent znode <root>/<namespace>/<name>, under the chroot")
  void nodeLayout() throws Exception {
    String name = "n-" + UUID.randomUUID();
    try (ZooKeeperLock lock = lock(name, "me", options().setting(ZooKeeperLockSettings.CHROOT, "/apps")
        .setting(ZooKeeperLockSettings.ROOT, "/elections").build())) {
      LeaderElectionRecord record = LeaderElectionRecord.of("me", 15, T, T, 1);
      lock.create(record);
      assertEquals("/elections/team-a/" + name, lock.path());
      assertArrayEquals(LeaderElectionRecordCodec.encode(record), zookeeper.get("/apps/elections/team-a/" + name).orElseThrow());
      assertEquals(0, zookeeper.client().checkExists().forPath("/apps/elections/team-a/" + name).getEphemeralOwner(),
          "the node is persistent: leadership does not depend on the session");
      assertTrue(lock.describe().contains("team-a/" + name), lock.describe());
      // get and update (synchronous on the provider's client, whose requests are bounded) go below the chroot too.
      assertEquals("me", lock.get().record().holderIdentity());
      LeaderElectionRecord renewed = LeaderElectionRecord.of("me", 15, T, T.plusSeconds(2), 1);
      lock.update(renewed);
      assertArrayEquals(LeaderElectionRecordCodec.encode(renewed), zookeeper.get("/apps/elections/team-a/" + name).orElseThrow());
    }
  }

  @Test
  @DisplayName("Bad settings are reported together, naming each setting, its value and the rule")
  void badSettings() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lock("x", "me",
        ResourceLockOptions.builder()
            .setting(ZooKeeperLockSettings.CONNECT, "127.0.0.1:2181/chroot,nohost")
            .setting(ZooKeeperLockSettings.ROOT, "relative")
            .setting(ZooKeeperLockSettings.SESSION_TIMEOUT, "soon")
            .setting(ZooKeeperLockSettings.RETRY, "forever")
            .setting(ZooKeeperLockSettings.DIGEST, "nopassword")
            .build()));
    String m = e.getMessage();
    for (String expected : List.of("Invalid ZooKeeper lock settings: ",
        "zookeeper.connect entry '127.0.0.1:2181/chroot' must be host:port (a chroot goes in zookeeper.chroot)",
        "zookeeper.connect entry 'nohost' must be host:port", "zookeeper.root 'relative' must be an absolute ZooKeeper path",
        "zookeeper.sessionTimeout 'soon' must be a positive duration", "zookeeper.retry 'forever' must be exponential:",
        "zookeeper.digest must be user:password (value not shown)")) {
      assertTrue(m.contains(expected), "missing '" + expected + "' in: " + m);
    }
    assertTrue(assertThrows(IllegalArgumentException.class, () -> lock("x", "me", ResourceLockOptions.defaults()))
        .getMessage().contains("zookeeper.connect is missing"));
  }

  @Test
  @DisplayName("With a digest, only holders of the credentials may write or delete the record; others may read it")
  void digestAcl() throws Exception {
    String ns = "secured-" + UUID.randomUUID();
    String name = "acl";
    try (ZooKeeperLock owner = lock(ns, name, "owner", options().setting(ZooKeeperLockSettings.DIGEST, "baton:s3cret").build());
         ZooKeeperLock stranger = lock(ns, name, "stranger", options().build());
         ZooKeeperLock wrong = lock(ns, name, "wrong", options().setting(ZooKeeperLockSettings.DIGEST, "baton:guess").build());
         ZooKeeperLock colleague = lock(ns, name, "colleague", options().setting(ZooKeeperLockSettings.DIGEST, "baton:s3cret").build())) {
      owner.create(LeaderElectionRecord.of("owner", 15, T, T, 0));
      List<ACL> acl = zookeeper.client().getACL().forPath(owner.path());
      assertEquals(2, acl.size(), acl.toString());
      assertTrue(acl.stream().anyMatch(a -> a.getId().getScheme().equals("digest") && a.getPerms() == ZooDefs.Perms.ALL));
      assertEquals(acl, zookeeper.client().getACL().forPath(ZooKeeperLockSettings.DEFAULT_ROOT + "/" + ns),
          "the namespace node has the record's ACL: ZooKeeper checks deletes against the parent");
      assertEquals(ZooDefs.Ids.OPEN_ACL_UNSAFE, zookeeper.client().getACL().forPath(ZooKeeperLockSettings.DEFAULT_ROOT),
          "the root stays open for other namespaces");

      assertEquals("owner", stranger.get().record().holderIdentity(), "anyone may read the record");
      LockException refused = assertThrows(LockException.class, () -> stranger.update(LeaderElectionRecord.of("stranger", 15, T, T, 1)));
      assertFalse(refused instanceof TransientLockException);
      assertTrue(refused.getMessage().contains("refused") && refused.getMessage().contains("zookeeper.digest"), refused.getMessage());
      wrong.get();
      LockException wrongDigest = assertThrows(LockException.class, () -> wrong.update(LeaderElectionRecord.of("wrong", 15, T, T, 1)));
      assertFalse(wrongDigest.getMessage().contains("guess") || wrongDigest.getMessage().contains("s3cret"), wrongDigest.getMessage());

      assertThrows(KeeperException.NoAuthException.class, () -> zookeeper.client().delete().forPath(owner.path()),
          "without the digest the record cannot be deleted (and then created anew) either");
      assertThrows(KeeperException.NoAuthException.class, () -> zookeeper.client().setACL()
          .withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE).forPath(owner.path()));

      colleague.get();
      colleague.update(LeaderElectionRecord.of("colleague", 15, T, T, 1));
      assertEquals("colleague", stranger.get().record().holderIdentity());
      for (String text : List.of(owner.describe(), owner.toString(), refused.getMessage(),
          ZooKeeperLockSettings.from(options().setting(ZooKeeperLockSettings.DIGEST, "baton:s3cret").build(), true).toString())) {
        assertFalse(text.contains("s3cret"), "password printed in: " + text);
      }
    }
  }

  @Test
  @DisplayName("A node that is not a lock record gives a corrupt-record error and is left alone")
  void foreignNode() throws Exception {
    String name = "foreign-" + UUID.randomUUID();
    String path = ZooKeeperLock.path(ZooKeeperLockSettings.DEFAULT_ROOT, "team-a", name);
    zookeeper.put(path, "some other application's config".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (ZooKeeperLock lock = lock(name, "me", options().build())) {
      LockException e = assertThrows(LockException.class, lock::get);
      assertTrue(e.getMessage().contains(path), e.getMessage());
      assertThrows(LockException.class, () -> lock.create(LeaderElectionRecord.of("me", 15, T, T, 0)));
      assertEquals("some other application's config", new String(zookeeper.get(path).orElseThrow(),
          java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Test
  @DisplayName("A node with children (another application's, such as a LeaderLatch's) gives a corrupt-record error")
  void nodeWithChildren() throws Exception {
    String name = "latch-" + UUID.randomUUID();
    String path = ZooKeeperLock.path(ZooKeeperLockSettings.DEFAULT_ROOT, "team-a", name);
    try (ZooKeeperLock lock = lock(name, "me", options().build())) {
      lock.create(LeaderElectionRecord.of("me", 15, T, T, 0));
      zookeeper.client().create().forPath(path + "/_c_latch-0000000001");
      CorruptRecordException e = assertThrows(CorruptRecordException.class, lock::get);
      assertTrue(e.getMessage().contains(path) && e.getMessage().contains("1 children"), e.getMessage());
    }
  }

  @Test
  @DisplayName("A watch goes on after a connection reset and after its client's session expired")
  void watchSurvivesReconnects() throws Exception {
    String name = "watch-" + UUID.randomUUID();
    try (TcpProxy proxy = TcpProxy.to(zookeeper.host(), zookeeper.port());
         ZooKeeperLock watcher = lock(name, "watcher", ResourceLockOptions.builder()
             .setting(ZooKeeperLockSettings.CONNECT, "127.0.0.1:" + proxy.port()).build());
         ZooKeeperLock writer = lock(name, "writer", options().build())) {
      BlockingQueue<Optional<String>> seen = new LinkedBlockingQueue<>();
      try (WatchableResourceLock.RecordWatch watch = watcher.watch(
          o -> seen.add(Optional.ofNullable(o).map(r -> r.record().holderIdentity())))) {
        writer.create(LeaderElectionRecord.of("first", 15, T, T, 0));
        assertEquals(Optional.of("first"), seen.poll(10, TimeUnit.SECONDS));

        proxy.setMode(ProxyMode.RESET);
        writer.update(LeaderElectionRecord.of("while-cut-off", 15, T, T, 1));
        proxy.setMode(ProxyMode.PASS);
        assertEquals(Optional.of("while-cut-off"), seen.poll(10, TimeUnit.SECONDS), "the change made while cut off");
        writer.update(LeaderElectionRecord.of("after-reset", 15, T, T, 2));
        assertEquals(Optional.of("after-reset"), seen.poll(10, TimeUnit.SECONDS));

        watcher.client().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
        writer.update(LeaderElectionRecord.of("after-expiry", 15, T, T, 3));
        Await.until(() -> seen.contains(Optional.of("after-expiry")), Duration.ofSeconds(10),
            "the watch did not deliver a change after its session expired: " + seen);
      }
      seen.clear();
      writer.update(LeaderElectionRecord.of("after-close", 15, T, T, 4));
      assertEquals(null, seen.poll(300, TimeUnit.MILLISECONDS), "a closed watch delivers nothing");
    }
  }

  @Test
  @DisplayName("watch() returns once ZooKeeper follows the node: a write right after it is delivered, even over a slow "
      + "connection, and the state it started from is not")
  void watchStartsFromKnownPoint() throws Exception {
    String name = "known-" + UUID.randomUUID();
    try (TcpProxy proxy = TcpProxy.to(zookeeper.host(), zookeeper.port());
         ZooKeeperLock watcher = lock(name, "watcher", ResourceLockOptions.builder()
             .setting(ZooKeeperLockSettings.CONNECT, "127.0.0.1:" + proxy.port()).build());
         ZooKeeperLock writer = lock(name, "writer", options().build())) {
      writer.create(LeaderElectionRecord.of("before", 15, T, T, 0));
      for (ProxyMode mode : List.of(ProxyMode.PASS, ProxyMode.delay(Duration.ofMillis(200)))) {
        // With the delay, registering the watch and reading the node take about 0.8 s: a watch() that
        // returned before that would miss the write or report it as the state it started from.
        proxy.setMode(mode);
        String next = "after-" + mode.kind();
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (WatchableResourceLock.RecordWatch watch = watcher.watch(
            o -> seen.add(o == null ? "deleted" : o.record().holderIdentity()))) {
          writer.update(LeaderElectionRecord.of(next, 15, T, T, 1));
          Await.until(() -> seen.contains(next), Duration.ofSeconds(10), "the write right after watch() (" + mode
              + "), got " + seen);
          assertEquals(List.of(next), seen, "only the write after watch() returned (" + mode + ")");
        }
      }
      // A delete at once: a cache whose first read came after it would find nothing, and report nothing.
      proxy.setMode(ProxyMode.PASS);
      List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      try (WatchableResourceLock.RecordWatch watch = watcher.watch(
          o -> seen.add(o == null ? "deleted" : o.record().holderIdentity()))) {
        writer.client().delete().forPath(writer.path());
        Await.until(() -> seen.contains("deleted"), Duration.ofSeconds(10), "the delete right after watch(), got " + seen);
        assertEquals(List.of("deleted"), seen);
      }
    }
  }

  @Test
  @DisplayName("A hung connection (blackhole) fails every call with a transient error within the client timeout, and "
      + "closing does not hang either")
  void hungConnection() throws Exception {
    String name = "hung-" + UUID.randomUUID();
    try (TcpProxy proxy = TcpProxy.to(zookeeper.host(), zookeeper.port());
         ZooKeeperLock lock = lock(name, "me", ResourceLockOptions.builder()
             .setting(ZooKeeperLockSettings.CONNECT, "127.0.0.1:" + proxy.port()).renewDeadline(Duration.ofSeconds(2))
             .build())) {
      lock.create(LeaderElectionRecord.of("me", 15, T, T, 0));
      proxy.setMode(ProxyMode.BLACKHOLE);
      for (Executable call : List.<Executable>of(lock::get, () -> lock.update(LeaderElectionRecord.of("me", 15, T, T, 1)),
          () -> lock.create(LeaderElectionRecord.of("me", 15, T, T, 0)))) {
        long start = System.nanoTime();
        TransientLockException e = assertThrows(TransientLockException.class, call);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofMillis(1500)) < 0, "took " + took + " with a 1 s timeout: " + e.getMessage());
      }
      long start = System.nanoTime();
      lock.close();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(took.compareTo(Duration.ofMillis(2500)) < 0, "closing over a hung connection took " + took);
    }
  }

  @Test
  @DisplayName("An unreachable ensemble gives a transient error naming it within the client timeout, never a hang")
  void unreachable() throws Exception {
    int nobody = FreePorts.one();
    try (ZooKeeperLock lock = lock("n", "me", ResourceLockOptions.builder()
        .setting(ZooKeeperLockSettings.CONNECT, "127.0.0.1:" + nobody).renewDeadline(Duration.ofSeconds(2)).build())) {
      long start = System.nanoTime();
      TransientLockException e = assertThrows(TransientLockException.class, lock::get);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
      assertTrue(e.getMessage().contains("127.0.0.1:" + nobody), e.getMessage());
    }
  }
}
