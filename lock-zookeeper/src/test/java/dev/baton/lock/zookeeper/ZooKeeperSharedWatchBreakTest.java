package dev.baton.lock.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock.RecordWatch;
import dev.baton.testkit.fixture.Await;
import dev.baton.testkit.fixture.ProxyMode;
import dev.baton.testkit.fixture.TcpProxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.client.ZKClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The shared watch ({@link SharedNamespaceWatch}) and the lock's calls when a connection breaks: a
 * watch closed over a hung connection, a client closed with its lock, a client under a chroot, and
 * clients whose request timeout does not bound the lock's calls.
 */
class ZooKeeperSharedWatchBreakTest {
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

  private static CuratorFramework newClient(String connect, ZKClientConfig config, String namespace)
      throws InterruptedException {
    CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder().connectString(connect).sessionTimeoutMs(6_000)
        .connectionTimeoutMs(5_000).retryPolicy(new RetryOneTime(100)).ensembleTracker(false).namespace(namespace);
    if (config != null) {
      b.zkClientConfig(config);
    }
    CuratorFramework client = b.build();
    client.start();
    assertTrue(client.blockUntilConnected(10, TimeUnit.SECONDS), "no connection to " + connect);
    return client;
  }

  private static byte[] record(String holder) {
    return LeaderElectionRecordCodec.encode(LeaderElectionRecord.of(holder, 15, T, T, 0));
  }

  private static ZooKeeperLock lock(CuratorFramework client, String ns, String name, Duration timeout) {
    return new ZooKeeperLock(client, ZooKeeperLockSettings.DEFAULT_ROOT, ns, name, ResourceLockConfig.of("c"), timeout);
  }

  @Test
  @DisplayName("Closing the last watch of a client whose connection hangs never holds up the watches of another, "
      + "healthy client, and the namespace can be watched again on the hung client once it is back")
  void closingOverHungConnection() throws Exception {
    String hungNs = "hung-" + UUID.randomUUID();
    String healthyNs = "healthy-" + UUID.randomUUID();
    zookeeper.put(ZooKeeperLockSettings.DEFAULT_ROOT + "/" + hungNs + "/a", record("initial"));
    zookeeper.put(ZooKeeperLockSettings.DEFAULT_ROOT + "/" + healthyNs + "/b", record("initial"));
    Duration timeout = Duration.ofSeconds(1);
    try (TcpProxy proxy = TcpProxy.to(zookeeper.host(), zookeeper.port())) {
      CuratorFramework hung = newClient("127.0.0.1:" + proxy.port(), null, null);
      CuratorFramework healthy = newClient(zookeeper.connect(), null, null);
      try (ZooKeeperLock a = lock(hung, hungNs, "a", timeout); ZooKeeperLock b = lock(healthy, healthyNs, "b", timeout)) {
        RecordWatch watchA = a.watch(r -> { });
        proxy.setMode(ProxyMode.BLACKHOLE);
        watchA.close();
        // For 15 s (the hung client gives its connection up, Curator gives the removal up, the client
        // tries to connect again): a watch on the healthy client is bounded by its own timeout.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        long worst = 0;
        while (System.nanoTime() < end) {
          long start = System.nanoTime();
          b.watch(r -> { }).close();
          worst = Math.max(worst, System.nanoTime() - start);
          Thread.sleep(50);
        }
        assertTrue(worst < TimeUnit.MILLISECONDS.toNanos(1500), "a watch() on the healthy client took "
            + Duration.ofNanos(worst) + " while another client's connection hung (timeout " + timeout + ")");

        proxy.setMode(ProxyMode.PASS);
        assertTrue(hung.blockUntilConnected(20, TimeUnit.SECONDS), "the hung client did not reconnect");
        List<String> seen = new CopyOnWriteArrayList<>();
        Await.until(() -> {
          try {
            a.watch(r -> seen.add(r == null ? "deleted" : r.record().holderIdentity()));
            return true;
          } catch (Exception e) {
            return false;
          }
        }, Duration.ofSeconds(20), "the namespace can be watched again on the client that hung");
        zookeeper.put(ZooKeeperLockSettings.DEFAULT_ROOT + "/" + hungNs + "/a", record("back"));
        Await.until(() -> seen.contains("back"), Duration.ofSeconds(10), "the new watch delivers: " + seen);
        a.close();
        long session = hung.getZookeeperClient().getZooKeeper().getSessionId();
        Await.until(() -> {
          try {
            return zookeeper.watchedPaths(session).isEmpty();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, Duration.ofSeconds(10), "closing the last watch leaves no watch of the client that hung on the server");
      } finally {
        hung.close();
        healthy.close();
      }
    }
  }

  @Test
  @DisplayName("Closing a lock that owns its client removes its shared watch, and the registry lets the closed client go")
  void ownedClientClosed() throws Exception {
    String ns = "owned-" + UUID.randomUUID();
    zookeeper.put(ZooKeeperLockSettings.DEFAULT_ROOT + "/" + ns + "/a", record("initial"));
    int openBefore = SharedNamespaceWatch.openWatches();
    CuratorFramework client = newClient(zookeeper.connect(), null, null);
    ZooKeeperLock lock = new ZooKeeperLock(client, true, ZooKeeperLockSettings.DEFAULT_ROOT, ns, "a",
        ResourceLockConfig.of("c"), Duration.ofSeconds(2), null, "test");
    lock.watch(r -> { });
    assertEquals(openBefore + 1, SharedNamespaceWatch.openWatches());
    lock.close();
    Await.until(() -> SharedNamespaceWatch.openWatches() == openBefore, Duration.ofSeconds(10),
        "the shared watch of a closed lock and client is closed: " + SharedNamespaceWatch.openWatches() + " open, "
            + openBefore + " before");
  }

  @Test
  @DisplayName("Delete and create again: the new node is delivered (its zxid is newer than the deleted one's), and a "
      + "node created and deleted after the anchor is never reported as a bare deletion")
  void deleteAndRecreate() throws Exception {
    String ns = "recreate-" + UUID.randomUUID();
    String path = ZooKeeperLockSettings.DEFAULT_ROOT + "/" + ns + "/a";
    String absent = ZooKeeperLockSettings.DEFAULT_ROOT + "/" + ns + "/b";
    zookeeper.put(path, record("first"));
    CuratorFramework client = newClient(zookeeper.connect(), null, null);
    try (ZooKeeperLock a = lock(client, ns, "a", Duration.ofSeconds(2)); ZooKeeperLock b = lock(client, ns, "b",
        Duration.ofSeconds(2))) {
      List<String> seenA = new CopyOnWriteArrayList<>();
      List<String> seenB = new CopyOnWriteArrayList<>();
      a.watch(r -> seenA.add(r == null ? "deleted" : r.record().holderIdentity()));
      b.watch(r -> seenB.add(r == null ? "deleted" : r.record().holderIdentity()));
      for (int i = 0; i < 20; i++) {
        zookeeper.client().delete().forPath(path);
        zookeeper.put(path, record("again-" + i));
        zookeeper.put(absent, record("b-" + i));
        zookeeper.client().delete().forPath(absent);
      }
      Await.until(() -> seenA.contains("again-19"), Duration.ofSeconds(10), "the last recreated node: " + seenA);
      assertTrue(seenA.stream().allMatch(x -> x.equals("deleted") || x.startsWith("again-")), seenA.toString());
      Thread.sleep(300);
      for (int i = 0; i < seenB.size(); i++) {
        if (seenB.get(i).equals("deleted")) {
          assertTrue(i > 0 && !seenB.get(i - 1).equals("deleted"), "a deletion of a node the watch did not see: " + seenB);
        }
      }
    } finally {
      client.close();
    }
  }

  @Test
  @DisplayName("What the README says of listeners: one may call get, but a watch() from it waits out its timeout, "
      + "because the new watch's anchor is handed over on the listener's thread")
  void listenerCalls() throws Exception {
    String ns = "listener-" + UUID.randomUUID();
    zookeeper.put(ZooKeeperLockSettings.DEFAULT_ROOT + "/" + ns + "/a", record("initial"));
    CuratorFramework client = newClient(zookeeper.connect(), null, null);
    try (ZooKeeperLock lock = lock(client, ns, "a", Duration.ofSeconds(1))) {
      List<String> outcomes = new CopyOnWriteArrayList<>();
      lock.watch(r -> {
        try {
          outcomes.add("get " + lock.get().record().holderIdentity());
        } catch (Exception e) {
          outcomes.add("get failed " + e);
        }
        try {
          lock.watch(x -> { }).close();
          outcomes.add("watch");
        } catch (TransientLockException e) {
          outcomes.add("watch timed out");
        } catch (Exception e) {
          outcomes.add("watch failed " + e);
        }
      });
      zookeeper.put(ZooKeeperLockSettings.DEFAULT_ROOT + "/" + ns + "/a", record("next"));
      Await.until(() -> outcomes.size() == 2, Duration.ofSeconds(10), "the listener ran: " + outcomes);
      assertEquals(List.of("get next", "watch timed out"), outcomes);
    } finally {
      client.close();
    }
  }

  @Test
  @DisplayName("A watch through a client with a namespace (chroot) delivers its node's writes")
  void chroot() throws Exception {
    String chroot = "apps-" + UUID.randomUUID();
    String ns = "chroot";
    CuratorFramework client = newClient(zookeeper.connect(), null, chroot);
    try (ZooKeeperLock lock = lock(client, ns, "a", Duration.ofSeconds(2))) {
      List<String> seen = new CopyOnWriteArrayList<>();
      lock.watch(r -> seen.add(r == null ? "deleted" : r.record().holderIdentity()));
      zookeeper.put("/" + chroot + ZooKeeperLockSettings.DEFAULT_ROOT + "/" + ns + "/a", record("one"));
      Await.until(() -> seen.contains("one"), Duration.ofSeconds(10), "delivered under a chroot: " + seen);
    } finally {
      client.close();
    }
  }

  @Test
  @DisplayName("get and update stay within the lock's timeout when the connection has been gone longer than the "
      + "session and connection timeouts (Curator then starts a new session on the next call for the handle)")
  void boundedAfterLongBreak() throws Exception {
    ZKClientConfig large = new ZKClientConfig();
    large.setProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, "30000");
    ZKClientConfig same = new ZKClientConfig();
    same.setProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, "1000");
    for (ZKClientConfig config : java.util.Arrays.asList(null, large, same)) {
      try (TcpProxy proxy = TcpProxy.to(zookeeper.host(), zookeeper.port())) {
        CuratorFramework client = newClient("127.0.0.1:" + proxy.port(), config, null);
        String ns = "long-" + UUID.randomUUID();
        try (ZooKeeperLock lock = lock(client, ns, "a", Duration.ofSeconds(1))) {
          lock.create(LeaderElectionRecord.of("me", 15, T, T, 0));
          lock.get();
          proxy.setMode(ProxyMode.BLACKHOLE);
          // The client notices after 4 s (2/3 of the session); past max(session, connection timeout) more, Curator
          // closes the handle and makes a new one, on whichever thread asks for the handle next.
          Thread.sleep(11_000);
          for (Executable call : List.<Executable>of(lock::get, () -> lock.update(LeaderElectionRecord.of("me", 15, T, T, 1)))) {
            long start = System.nanoTime();
            assertThrows(TransientLockException.class, call);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofMillis(1500)) < 0, "took " + took + " with a 1 s timeout, request timeout "
                + (config == null ? "none" : config.getProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT)));
          }
        } finally {
          client.close();
        }
      }
    }
  }

  @Test
  @DisplayName("get and update on a ready-made client are bounded by the lock's timeout over a hung connection, "
      + "with no request timeout and with one larger than the lock's")
  void readyMadeClientBounded() throws Exception {
    ZKClientConfig large = new ZKClientConfig();
    large.setProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, "30000");
    for (ZKClientConfig config : java.util.Arrays.asList(null, large)) {
      try (TcpProxy proxy = TcpProxy.to(zookeeper.host(), zookeeper.port())) {
        CuratorFramework client = newClient("127.0.0.1:" + proxy.port(), config, null);
        String ns = "bounded-" + UUID.randomUUID();
        try (ZooKeeperLock lock = lock(client, ns, "a", Duration.ofSeconds(1))) {
          lock.create(LeaderElectionRecord.of("me", 15, T, T, 0));
          lock.get();
          proxy.setMode(ProxyMode.BLACKHOLE);
          for (Executable call : List.<Executable>of(lock::get, () -> lock.update(LeaderElectionRecord.of("me", 15, T, T, 1)))) {
            long start = System.nanoTime();
            assertThrows(TransientLockException.class, call);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofMillis(1500)) < 0, "took " + took + " with a 1 s timeout, config " + config);
          }
        } finally {
          client.close();
        }
      }
    }
  }
}
