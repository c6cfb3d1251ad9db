package dev.baton.lock.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.testkit.Candidates;
import dev.baton.testkit.ElectorTimings;
import dev.baton.testkit.LeadershipHistory;
import dev.baton.testkit.TimeDriver;
import dev.baton.testkit.fixture.ProxyMode;
import dev.baton.testkit.fixture.TcpProxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Real failures of ZooKeeper: a lost ensemble member, an expired session, a partition that outlasts
 * the session, short connection blips (reset and blackhole).
 */
class ZooKeeperFailureTest {
  private final TimeDriver time = TimeDriver.realTime();
  private final Candidates candidates = new Candidates(time, ElectorTimings.REAL_TIME);
  private final LeadershipHistory history = candidates.history();
  private final Map<String, CuratorFramework> clients = new HashMap<>();

  @AfterEach
  void cleanUp() throws Exception {
    candidates.close();
  }

  /** A candidate with its own client (session) on {@code connect}. */
  private void candidate(String identity, String connect, String name, Duration lease, Duration renew, Duration retry) {
    ResourceLockOptions options = ResourceLockOptions.builder()
        .setting(ZooKeeperLockSettings.CONNECT, connect)
        .setting(ZooKeeperLockSettings.SESSION_TIMEOUT, "4s")
        .renewDeadline(renew).build();
    CuratorFramework client = candidates.closeLater(
        ZooKeeperLockProvider.newClient(ZooKeeperLockSettings.from(options, true)));
    client.start();
    clients.put(identity, client);
    ZooKeeperLock lock = new ZooKeeperLock(client, ZooKeeperLockSettings.DEFAULT_ROOT, "ns", name,
        ResourceLockConfig.of(identity), options.clientTimeout());
    candidates.start(identity, lock, b -> b.leaseDuration(lease).renewDeadline(renew).retryPeriod(retry));
  }

  private String awaitLeader(Duration limit) {
    return candidates.awaitLeader(limit);
  }

  @Test
  @DisplayName("In a 3-server ensemble, killing the server the leader talks to: the election goes on, never two leaders")
  void ensembleMemberLost() throws Exception {
    TestingCluster cluster = new TestingCluster(3);
    candidates.closeLater(cluster);
    cluster.start();
    String name = "ensemble-" + UUID.randomUUID();
    Duration lease = Duration.ofSeconds(4);
    for (int i = 0; i < 3; i++) {
      candidate("c" + i, cluster.getConnectString(), name, lease, Duration.ofSeconds(3), Duration.ofMillis(300));
    }
    String leader = awaitLeader(Duration.ofSeconds(15));
    time.pass(Duration.ofSeconds(1));
    InstanceSpec server = cluster.findConnectionInstance(clients.get(leader).getZookeeperClient().getZooKeeper());
    assertTrue(cluster.killServer(server), "could not kill " + server);
    time.pass(lease.multipliedBy(2));
    String after = awaitLeader(lease.multipliedBy(3));
    int terms = history.termCount();
    time.pass(lease);
    assertEquals(terms, history.termCount(), "leadership must settle on the surviving servers: " + history);
    assertEquals(Optional.of(after), history.currentLeader());
    history.assertNoOverlap();
  }

  @Test
  @DisplayName("The leader's session expires: it keeps or loses leadership within renewDeadline, and nothing overlaps")
  void sessionExpiry() throws Exception {
    TestingServer server = new TestingServer(true);
    candidates.closeLater(server);
    String name = "expiry-" + UUID.randomUUID();
    for (int i = 0; i < 2; i++) {
      candidate("c" + i, server.getConnectString(), name, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(200));
    }
    String leader = awaitLeader(Duration.ofSeconds(10));
    time.pass(Duration.ofSeconds(1));
    clients.get(leader).getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
    time.pass(Duration.ofSeconds(4));
    awaitLeader(Duration.ofSeconds(5));
    history.assertNoOverlap();
    history.assertFencingTokensIncrease();
  }

  @Test
  @DisplayName("The leader is cut off until its session expires: it steps down within renewDeadline, before anyone "
      + "takes over, and follows after it reconnects")
  void partitionedUntilSessionExpiry() throws Exception {
    TestingServer server = new TestingServer(true);
    candidates.closeLater(server);
    TcpProxy proxy = candidates.closeLater(TcpProxy.to("127.0.0.1", server.getPort()));
    String name = "partition-" + UUID.randomUUID();
    Duration lease = Duration.ofSeconds(2);
    Duration renew = Duration.ofSeconds(1);
    candidate("cut-off", "127.0.0.1:" + proxy.port(), name, lease, renew, Duration.ofMillis(200));
    assertEquals("cut-off", awaitLeader(Duration.ofSeconds(10)));
    candidate("direct", server.getConnectString(), name, lease, renew, Duration.ofMillis(200));
    CuratorFramework cutOff = clients.get("cut-off");
    CountDownLatch sessionLost = new CountDownLatch(1);
    cutOff.getConnectionStateListenable().addListener((c, state) -> {
      if (state == ConnectionState.LOST) {
        sessionLost.countDown();
      }
    });
    time.pass(Duration.ofMillis(500));

    long cut = System.nanoTime();
    proxy.setMode(ProxyMode.BLACKHOLE);
    assertEquals("direct", candidates.awaitNewLeader(1, lease.multipliedBy(4)));
    LeadershipHistory.Term first = history.terms().get(0);
    Duration steppedDownAfter = Duration.ofNanos(first.endNanos() - cut);
    // Its last renewal was before the cut; a call in flight then is bounded by the client timeout (1 s).
    assertTrue(steppedDownAfter.compareTo(renew.plusSeconds(1).plusMillis(500)) < 0, "stepped down " + steppedDownAfter
        + " after the cut: " + history);
    assertTrue(sessionLost.await(15, TimeUnit.SECONDS), "the cut-off client's session did not expire");
    proxy.setMode(ProxyMode.PASS);
    assertTrue(cutOff.blockUntilConnected(15, TimeUnit.SECONDS), "the cut-off client did not reconnect");

    time.pass(lease.multipliedBy(2));
    assertEquals(2, history.termCount(), "after reconnecting, the old leader follows: " + history);
    assertEquals(Optional.of("direct"), history.currentLeader());
    history.assertNoOverlap();
    history.assertFencingTokensIncrease();
  }

  @Test
  @DisplayName("A blackhole shorter than renewDeadline costs nothing: the leader keeps its term")
  void shortBlackhole() throws Exception {
    TestingServer server = new TestingServer(true);
    candidates.closeLater(server);
    TcpProxy proxy = candidates.closeLater(TcpProxy.to("127.0.0.1", server.getPort()));
    String name = "blackhole-" + UUID.randomUUID();
    Duration lease = Duration.ofSeconds(6);
    candidate("proxied", "127.0.0.1:" + proxy.port(), name, lease, Duration.ofSeconds(5), Duration.ofMillis(500));
    assertEquals("proxied", awaitLeader(Duration.ofSeconds(10)));
    candidate("direct", server.getConnectString(), name, lease, Duration.ofSeconds(5), Duration.ofMillis(500));
    time.pass(Duration.ofSeconds(1));
    // The ZooKeeper client notices a hung connection after 2/3 of the session timeout (4 s) at most,
    // reconnects to the same session, and the next renewal goes through well within renewDeadline.
    proxy.setMode(ProxyMode.BLACKHOLE);
    time.pass(Duration.ofSeconds(1));
    proxy.setMode(ProxyMode.PASS);
    time.pass(lease.multipliedBy(2));
    assertEquals(1, history.termCount(), "the blackhole cost leadership: " + history);
    assertEquals(Optional.of("proxied"), history.currentLeader());
    history.assertNoOverlap();
  }

  @Test
  @DisplayName("A connection reset shorter than renewDeadline costs nothing: the leader keeps its term (unlike LeaderLatch)")
  void shortBlip() throws Exception {
    TestingServer server = new TestingServer(true);
    candidates.closeLater(server);
    TcpProxy proxy = TcpProxy.to("127.0.0.1", server.getPort());
    candidates.closeLater(proxy);
    String name = "blip-" + UUID.randomUUID();
    Duration lease = Duration.ofSeconds(5);
    candidate("proxied", "127.0.0.1:" + proxy.port(), name, lease, Duration.ofSeconds(4), Duration.ofMillis(500));
    assertEquals("proxied", awaitLeader(Duration.ofSeconds(10)));
    candidate("direct", server.getConnectString(), name, lease, Duration.ofSeconds(4), Duration.ofMillis(500));
    time.pass(Duration.ofSeconds(1));
    proxy.setMode(ProxyMode.RESET);
    time.pass(Duration.ofMillis(300));
    proxy.setMode(ProxyMode.PASS);
    time.pass(lease.multipliedBy(2));
    assertEquals(1, history.termCount(), "the blip cost leadership: " + history);
    assertEquals(Optional.of("proxied"), history.currentLeader());
    history.assertNoOverlap();
  }
}
