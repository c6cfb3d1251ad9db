package dev.baton.lock.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock.RecordWatch;
import dev.baton.testkit.fixture.Await;
import dev.baton.testkit.fixture.ProxyMode;
import dev.baton.testkit.fixture.TcpProxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shared watch ({@link SharedNamespaceWatch}): the watches of all locks of a namespace on one client
 * are one persistent watch on the server, each lock still gets exactly its own node's changes, closing
 * one watch never disturbs the others, and a dropped connection loses nothing.
 */
class ZooKeeperSharedWatchTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  static ZooKeeperServer zookeeper;

  @BeforeAll
  static void start() {
    zookeeper = ZooKeeperServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    zookeeper.close();
  }

  private static String namespace(String ns) {
    return ZooKeeperLockSettings.DEFAULT_ROOT + "/" + ns;
  }

  private static CuratorFramework newClient(String connect) throws InterruptedException {
    // A short session, so that the client notices a hung connection within seconds (2/3 of it).
    // No ensemble tracker: its watch on /zookeeper/config, set at some point after connecting, would
    // make the server's watch count move on its own.
    CuratorFramework client = CuratorFrameworkFactory.builder().connectString(connect).sessionTimeoutMs(6_000)
        .connectionTimeoutMs(5_000).retryPolicy(new RetryOneTime(100)).ensembleTracker(false).build();
    client.start();
    assertTrue(client.blockUntilConnected(10, TimeUnit.SECONDS), "no connection to " + connect);
    return client;
  }

  private static int serverWatches() {
    try {
      return zookeeper.watchCount();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] record(String holder) {
    return LeaderElectionRecordCodec.encode(LeaderElectionRecord.of(holder, 15, T, T, 0));
  }

  /** What one watch delivered: holder identities, "deleted" for a deletion. */
  private static final class Seen {
    final List<String> changes = new CopyOnWriteArrayList<>();

    void accept(dev.baton.leaderelection.resourcelock.ObservedRecord observed) {
      changes.add(observed == null ? "deleted" : observed.record().holderIdentity());
    }
  }

  @Test
  @DisplayName("1,000 locks of one namespace on one client watched at once: one watch on the server, each lock gets "
      + "its own writes only, closing some leaves the others delivering, closing all removes the watch")
  void thousandLocksOneWatch() throws Exception {
    int n = 1000;
    String ns = "shared-" + UUID.randomUUID();
    String parent = namespace(ns);
    CuratorFramework writer = zookeeper.client();
    for (int i = 0; i < n; i++) {
      writer.create().creatingParentsIfNeeded().forPath(parent + "/lock-" + i, record("initial-" + i));
    }
    CuratorFramework client = newClient(zookeeper.connect());
    List<ZooKeeperLock> locks = new ArrayList<>();
    List<RecordWatch> watches = new ArrayList<>();
    List<Seen> seen = new ArrayList<>();
    try {
      int serverWatchesBefore = zookeeper.watchCount();
      int openBefore = SharedNamespaceWatch.openWatches();
      int threadsBefore = Thread.activeCount();
      for (int i = 0; i < n; i++) {
        ZooKeeperLock lock = new ZooKeeperLock(client, ZooKeeperLockSettings.DEFAULT_ROOT, ns, "lock-" + i,
            ResourceLockConfig.of("c-" + i), TIMEOUT);
        Seen s = new Seen();
        locks.add(lock);
        seen.add(s);
        watches.add(lock.watch(s::accept));
      }
      assertEquals(n, SharedNamespaceWatch.subscriptions(client, parent), "every watch is a subscription of one shared watch");
      assertEquals(openBefore + 1, SharedNamespaceWatch.openWatches(), "one shared watch for the namespace");
      assertEquals(serverWatchesBefore + 1, zookeeper.watchCount(), "the server holds exactly one more watch (wchs)");
      long session = client.getZookeeperClient().getZooKeeper().getSessionId();
      assertEquals(List.of(parent), zookeeper.watchedPaths(session), "the client's session watches the namespace only (wchc)");
      assertTrue(Thread.activeCount() - threadsBefore <= 2, "threads before " + threadsBefore + ", after "
          + Thread.activeCount() + ": no thread per lock");
      assertTrue(seen.stream().allMatch(s -> s.changes.isEmpty()), "the anchor states are not delivered");

      for (int i = 0; i < n; i++) {
        writer.setData().forPath(parent + "/lock-" + i, record("first-" + i));
      }
      Await.until(() -> seen.stream().allMatch(s -> !s.changes.isEmpty()), Duration.ofSeconds(30),
          "every lock gets its write");
      for (int i = 0; i < n; i++) {
        assertEquals(List.of("first-" + i), seen.get(i).changes, "lock " + i + " gets exactly its own write");
      }

      // Close every tenth watch; the others keep delivering, the closed ones hear nothing more.
      for (int i = 0; i < n; i += 10) {
        watches.get(i).close();
      }
      assertEquals(n - n / 10, SharedNamespaceWatch.subscriptions(client, parent));
      for (int i = 0; i < n; i++) {
        writer.setData().forPath(parent + "/lock-" + i, record("second-" + i));
      }
      Await.until(() -> {
        for (int i = 0; i < n; i++) {
          if (i % 10 != 0 && seen.get(i).changes.size() < 2) {
            return false;
          }
        }
        return true;
      }, Duration.ofSeconds(30), "the open watches get the second write");
      // The closed watches' nodes were written before the open ones' deliveries were awaited; give
      // stragglers the time a delivery takes here (well under a second) before checking.
      Thread.sleep(300);
      for (int i = 0; i < n; i++) {
        List<String> expected = i % 10 == 0 ? List.of("first-" + i) : List.of("first-" + i, "second-" + i);
        assertEquals(expected, seen.get(i).changes, "lock " + i);
      }
      assertEquals(serverWatchesBefore + 1, zookeeper.watchCount(), "still one watch on the server");

      for (RecordWatch w : watches) {
        w.close();
      }
      assertEquals(0, SharedNamespaceWatch.subscriptions(client, parent));
      Await.until(() -> SharedNamespaceWatch.openWatches() == openBefore, Duration.ofSeconds(10),
          "closing the last subscription closes the shared watch");
      Await.until(() -> serverWatches() == serverWatchesBefore, Duration.ofSeconds(10),
          "closing the last subscription removes the watch on the server");
      assertEquals(List.of(), zookeeper.watchedPaths(session), "the client's session watches nothing more (wchc)");
    } finally {
      watches.forEach(RecordWatch::close);
      locks.forEach(ZooKeeperLock::close);
      client.close();
    }
  }

  @Test
  @DisplayName("Two candidates' locks on one node and client both get each change; closing one leaves the other "
      + "delivering; closing a lock closes its watch")
  void twoLocksOnOneNode() throws Exception {
    String ns = "pair-" + UUID.randomUUID();
    String path = namespace(ns) + "/election";
    CuratorFramework client = newClient(zookeeper.connect());
    try (ZooKeeperLock a = new ZooKeeperLock(client, ZooKeeperLockSettings.DEFAULT_ROOT, ns, "election",
        ResourceLockConfig.of("a"), TIMEOUT);
         ZooKeeperLock b = new ZooKeeperLock(client, ZooKeeperLockSettings.DEFAULT_ROOT, ns, "election",
             ResourceLockConfig.of("b"), TIMEOUT)) {
      Seen seenA = new Seen();
      Seen seenB = new Seen();
      RecordWatch watchA = a.watch(seenA::accept);
      b.watch(seenB::accept);
      assertEquals(2, SharedNamespaceWatch.subscriptions(client, namespace(ns)));
      zookeeper.put(path, record("one"));
      Await.until(() -> seenA.changes.contains("one") && seenB.changes.contains("one"), Duration.ofSeconds(10),
          "both get the create: " + seenA.changes + " " + seenB.changes);
      watchA.close();
      zookeeper.put(path, record("two"));
      zookeeper.client().delete().forPath(path);
      Await.until(() -> seenB.changes.contains("deleted"), Duration.ofSeconds(10), "b gets the delete: " + seenB.changes);
      assertEquals(List.of("one"), seenA.changes, "a closed watch delivers nothing");
      assertTrue(seenB.changes.equals(List.of("one", "two", "deleted")) || seenB.changes.equals(List.of("one", "deleted")),
          "b gets the later changes in order (the second write may be coalesced into the delete): " + seenB.changes);
      b.close();
      assertEquals(0, SharedNamespaceWatch.subscriptions(client, namespace(ns)),
          "closing the lock closed its watch");
    } finally {
      client.close();
    }
  }

  @Test
  @DisplayName("A dropped connection: writes made meanwhile are delivered to every lock on the client, then later "
      + "writes too; a watch reopened while the last one's removal is under way still delivers")
  void droppedConnection() throws Exception {
    String ns = "drop-" + UUID.randomUUID();
    String parent = namespace(ns);
    int n = 20;
    for (int i = 0; i < n; i++) {
      zookeeper.put(parent + "/lock-" + i, record("initial"));
    }
    try (TcpProxy proxy = TcpProxy.to(zookeeper.host(), zookeeper.port())) {
      CuratorFramework client = newClient("127.0.0.1:" + proxy.port());
      List<ZooKeeperLock> locks = new ArrayList<>();
      List<Seen> seen = new ArrayList<>();
      try {
        for (int i = 0; i < n; i++) {
          ZooKeeperLock lock = new ZooKeeperLock(client, ZooKeeperLockSettings.DEFAULT_ROOT, ns, "lock-" + i,
              ResourceLockConfig.of("c"), TIMEOUT);
          Seen s = new Seen();
          lock.watch(s::accept);
          locks.add(lock);
          seen.add(s);
        }
        for (ProxyMode cut : List.of(ProxyMode.RESET, ProxyMode.BLACKHOLE)) {
          int addsBefore = SharedNamespaceWatch.watchAdds();
          proxy.setMode(cut);
          String meanwhile = "while-" + cut.kind();
          for (int i = 0; i < n; i++) {
            zookeeper.put(parent + "/lock-" + i, record(meanwhile));
          }
          if (cut.equals(ProxyMode.BLACKHOLE)) {
            // A hung connection shows only when the client misses the server's answers.
            CountDownLatch suspended = new CountDownLatch(1);
            client.getConnectionStateListenable().addListener((c, state) -> {
              if (!state.isConnected()) {
                suspended.countDown();
              }
            });
            assertTrue(suspended.await(20, TimeUnit.SECONDS), "the client did not notice the hung connection");
          }
          proxy.setMode(ProxyMode.PASS);
          Await.until(() -> seen.stream().allMatch(s -> s.changes.contains(meanwhile)), Duration.ofSeconds(30),
              "the writes made while cut off (" + cut + ") are delivered: " + seen.get(0).changes);
          assertTrue(SharedNamespaceWatch.watchAdds() > addsBefore, "the shared watch was added again after " + cut);
          assertEquals(n, SharedNamespaceWatch.subscriptions(client, parent), "the " + n + " watches are still "
              + "subscriptions of the one shared watch");
          String after = "after-" + cut.kind();
          for (int i = 0; i < n; i++) {
            zookeeper.put(parent + "/lock-" + i, record(after));
          }
          Await.until(() -> seen.stream().allMatch(s -> s.changes.contains(after)), Duration.ofSeconds(30),
              "the writes after the reconnect (" + cut + ") are delivered");
        }
        for (Seen s : seen) {
          assertEquals(List.of("while-RESET", "after-RESET", "while-BLACKHOLE", "after-BLACKHOLE"), s.changes);
        }

        // Close every watch and open one at once: the new one joins the watch being removed, which is added again.
        locks.forEach(ZooKeeperLock::close);
        ZooKeeperLock again = new ZooKeeperLock(client, ZooKeeperLockSettings.DEFAULT_ROOT, ns, "lock-0",
            ResourceLockConfig.of("c"), TIMEOUT);
        locks.add(again);
        Seen s = new Seen();
        again.watch(s::accept);
        zookeeper.put(parent + "/lock-0", record("reopened"));
        Await.until(() -> s.changes.contains("reopened"), Duration.ofSeconds(10), "a watch reopened at once delivers");
        Thread.sleep(500);
        zookeeper.put(parent + "/lock-0", record("reopened-later"));
        Await.until(() -> s.changes.contains("reopened-later"), Duration.ofSeconds(10),
            "a watch reopened at once still delivers once the old removal was answered: " + s.changes);
      } finally {
        locks.forEach(ZooKeeperLock::close);
        client.close();
      }
    }
  }
}
