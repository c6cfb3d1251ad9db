package dev.baton.lock.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.LeaderElector;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import dev.baton.testkit.Candidates;
import dev.baton.testkit.ElectorTimings;
import dev.baton.testkit.LeadershipHistory;
import dev.baton.testkit.TimeDriver;
import dev.baton.testkit.fixture.ProxyMode;
import dev.baton.testkit.fixture.TcpProxy;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Real failures of etcd: authentication, a lost cluster member, a restart, a dead network path. */
class EtcdFailureTest {
  private static final ElectorTimings TIMINGS = ElectorTimings.REAL_TIME;
  private static final Duration LEASE = TIMINGS.leaseDuration();
  private static final Duration RENEW = TIMINGS.renewDeadline();
  private static final Duration MARGIN = TIMINGS.margin();
  private static final Duration FAILOVER = TIMINGS.failoverBound();
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

  private final TimeDriver time = TimeDriver.realTime();
  private final Candidates candidates = new Candidates(time, TIMINGS);
  private final LeadershipHistory history = candidates.history();

  @AfterEach
  void cleanUp() throws Exception {
    candidates.close();
  }

  private LeaderElector candidate(String identity, ResourceLock lock) {
    return candidates.start(identity, lock);
  }

  private EtcdLock lock(Client client, String name, String identity, String endpoints) {
    return candidates.closeLater(new EtcdLock(client, false, EtcdLockSettings.DEFAULT_PREFIX, "ns", name,
        ResourceLockConfig.of(identity), Duration.ofMillis(500), endpoints));
  }

  private Client client(String endpoints) {
    return candidates.closeLater(Client.builder().endpoints(endpoints.split(",")).loadBalancerPolicy("pick_first")
        .connectTimeout(Duration.ofMillis(500)).retryChronoUnit(java.time.temporal.ChronoUnit.MILLIS).retryDelay(50)
        .retryMaxDelay(200).retryMaxDuration(Duration.ofMillis(500)).build());
  }

  private String awaitLeader(Duration limit) {
    return candidates.awaitLeader(limit);
  }

  @Test
  @DisplayName("With authentication enabled, the right user and password work and a wrong password fails clearly, in time")
  void authentication() throws Exception {
    EtcdServer etcd = EtcdServer.startCluster(1);
    candidates.closeLater(etcd);
    var auth = etcd.client().getAuthClient();
    ByteSequence root = ByteSequence.from("root", StandardCharsets.UTF_8);
    auth.userAdd(root, ByteSequence.from("right-password", StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
    auth.roleAdd(root).get(10, TimeUnit.SECONDS);
    auth.userGrantRole(root, root).get(10, TimeUnit.SECONDS);
    auth.authEnable().get(10, TimeUnit.SECONDS);

    ResourceLockOptions.Builder base = ResourceLockOptions.builder().setting(EtcdLockSettings.ENDPOINTS, etcd.endpoints())
        .setting(EtcdLockSettings.USER, "root").renewDeadline(Duration.ofSeconds(2));
    try (EtcdLock good = (EtcdLock) ResourceLocks.newLock("etcd", "ns", "auth", ResourceLockConfig.of("me"),
        base.setting(EtcdLockSettings.PASSWORD, "right-password").build())) {
      good.create(LeaderElectionRecord.of("me", 15, T, T, 0));
      assertEquals("me", good.get().record().holderIdentity());
    }
    try (EtcdLock bad = (EtcdLock) ResourceLocks.newLock("etcd", "ns", "auth", ResourceLockConfig.of("me"),
        base.setting(EtcdLockSettings.PASSWORD, "wrong-password").build())) {
      long start = System.nanoTime();
      LockException e = assertThrows(LockException.class, bad::get);
      assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos(), "the refusal took too long");
      assertFalse(e instanceof TransientLockException, "a wrong password is not transient: " + e);
      assertTrue(e.getMessage().contains("refused") && e.getMessage().contains(etcd.endpoints()), e.getMessage());
      assertFalse(e.getMessage().contains("wrong-password"), e.getMessage());
    }
  }

  @Test
  @DisplayName("Credentials for an etcd without authentication: an error that says authentication is not enabled there")
  void authenticationNotEnabled() throws Exception {
    EtcdServer etcd = EtcdServer.startCluster(1);
    candidates.closeLater(etcd);
    try (EtcdLock lock = (EtcdLock) ResourceLocks.newLock("etcd", "ns", "noauth", ResourceLockConfig.of("me"),
        ResourceLockOptions.builder().setting(EtcdLockSettings.ENDPOINTS, etcd.endpoints())
            .setting(EtcdLockSettings.USER, "root").setting(EtcdLockSettings.PASSWORD, "s3cr3t-pw")
            .renewDeadline(Duration.ofSeconds(20)).build())) {
      // A cold client takes about 2 s (measured here: 1.97 s) to bring etcd's refusal back, longer
      // than the 1 s client timeout of a 2 s renew deadline, which then reports a timeout instead.
      LockException e = assertThrows(LockException.class, lock::get);
      assertFalse(e instanceof TransientLockException, "a misconfiguration is not transient: " + e);
      assertTrue(e.getMessage().contains("authentication is not enabled on the etcd at " + etcd.endpoints()), e.getMessage());
      assertTrue(e.getMessage().contains("remove them, or enable authentication"), e.getMessage());
      assertFalse(e.getMessage().contains("s3cr3t-pw"), e.getMessage());
    }
  }

  @Test
  @DisplayName("In a 3-member cluster, killing the member the leader talks to: the election goes on, never two leaders")
  void clusterMemberLost() {
    EtcdServer cluster = EtcdServer.startCluster(3);
    candidates.closeLater(cluster);
    String name = "cluster-" + UUID.randomUUID();
    String all = cluster.endpoints();
    // Each candidate talks first to a different member (pick_first), all know every member.
    List<String> urls = List.of(all.split(","));
    for (int i = 0; i < 3; i++) {
      List<String> order = new ArrayList<>(urls.subList(i, 3));
      order.addAll(urls.subList(0, i));
      String endpoints = String.join(",", order);
      candidate("c" + i, lock(client(endpoints), name, "c" + i, endpoints));
    }
    String leader = awaitLeader(FAILOVER);
    int member = Integer.parseInt(leader.substring(1));
    time.pass(LEASE);
    cluster.members.get(member).kill();
    time.pass(LEASE.multipliedBy(3));
    assertTrue(history.openTerms() == 1 || time.awaitUntil(() -> history.openTerms() == 1, FAILOVER).isPresent(),
        "nobody leads after member " + member + " died: " + history);
    int terms = history.termCount();
    time.pass(LEASE.multipliedBy(2));
    assertEquals(terms, history.termCount(), "leadership must be stable on the surviving members: " + history);
    history.assertNoOverlap();
  }

  @Test
  @DisplayName("etcd stopped longer than renewDeadline: the leader steps down in time; after a restart on the same data someone leads")
  void serverRestart() {
    EtcdServer etcd = EtcdServer.startCluster(1);
    candidates.closeLater(etcd);
    String name = "restart-" + UUID.randomUUID();
    for (int i = 0; i < 2; i++) {
      candidate("c" + i, lock(client(etcd.endpoints()), name, "c" + i, etcd.endpoints()));
    }
    awaitLeader(FAILOVER);
    time.pass(LEASE);
    long stopped = time.nanoTime();
    etcd.members.get(0).stop();
    assertTrue(time.awaitUntil(() -> history.openTerms() == 0, RENEW.plus(MARGIN)).isPresent(),
        "the leader did not step down within renewDeadline of the outage: " + history);
    time.pass(RENEW.plus(MARGIN).minus(Duration.ofNanos(time.nanoTime() - stopped)));
    etcd.members.get(0).restart();
    awaitLeader(FAILOVER.plus(Duration.ofSeconds(5)));
    history.assertNoOverlap();
    history.assertFencingTokensIncrease();
  }

  @Test
  @DisplayName("The leader's network path to etcd goes dark: it steps down within renewDeadline, before anyone else starts")
  void blackhole() throws Exception {
    EtcdServer etcd = EtcdServer.start();
    candidates.closeLater(etcd);
    String direct = etcd.endpoints().split(",")[0];
    java.net.URI uri = java.net.URI.create(direct);
    TcpProxy proxy = TcpProxy.to(uri.getHost(), uri.getPort());
    candidates.closeLater(proxy);
    String proxied = "http://127.0.0.1:" + proxy.port();
    String name = "dark-" + UUID.randomUUID();
    candidate("proxied", lock(client(proxied), name, "proxied", proxied));
    assertEquals("proxied", awaitLeader(FAILOVER));
    candidate("direct", lock(client(direct), name, "direct", direct));
    time.pass(LEASE);
    long dark = time.nanoTime();
    proxy.setMode(ProxyMode.BLACKHOLE);
    assertTrue(time.awaitUntil(() -> history.openTerms() == 0, RENEW.plus(MARGIN)).isPresent(),
        "the cut-off leader still leads: " + history);
    assertEquals("direct", awaitLeader(FAILOVER));
    assertTrue(history.lastTerm().orElseThrow().startNanos() - dark <= FAILOVER.toNanos());
    history.assertNoOverlap();
    assertEquals(Optional.of("direct"), history.currentLeader());
  }
}
