package dev.baton.lock.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.LeaderElector;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.testkit.Candidates;
import dev.baton.testkit.ElectorTimings;
import dev.baton.testkit.LeadershipHistory;
import dev.baton.testkit.TimeDriver;
import dev.baton.testkit.fixture.ProxyMode;
import dev.baton.testkit.fixture.TcpProxy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Elections on the Kubernetes API: next to fabric8's own elector, and with a dead network path. */
class ElectionOnKubernetesTest {
  private static final Duration LEASE = ElectorTimings.REAL_TIME.leaseDuration();
  private static final Duration RENEW = ElectorTimings.REAL_TIME.renewDeadline();
  private static final Duration RETRY = ElectorTimings.REAL_TIME.retryPeriod();
  private static final Duration MARGIN = ElectorTimings.REAL_TIME.margin();
  static KubernetesApi api;

  private final TimeDriver time = TimeDriver.realTime();
  private final Candidates candidates = new Candidates(time, ElectorTimings.REAL_TIME);
  private final LeadershipHistory history = candidates.history();

  @BeforeAll
  static void start() {
    api = KubernetesApi.start();
    api.ensureNamespace("elections");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @AfterEach
  void cleanUp() throws Exception {
    candidates.close();
  }

  private LeaderElector baton(String identity, ResourceLock lock) {
    return candidates.start(identity, lock, b -> b.releaseOnCancel(true));
  }

  /** fabric8's own elector on its own LeaseLock; cancel the returned future to stop it (it releases). */
  private CompletableFuture<?> fabric8(String identity, String name) {
    return api.client().leaderElector().withConfig(new LeaderElectionConfigBuilder()
        .withName("interop")
        .withLock(new io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock("elections", name, identity))
        .withLeaseDuration(LEASE).withRenewDeadline(RENEW).withRetryPeriod(RETRY).withReleaseOnCancel(true)
        .withLeaderCallbacks(new io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks(
            () -> history.started(identity, 0), () -> history.stopped(identity), leader -> { }))
        .build()).build().start();
  }

  private String awaitLeader(Duration limit) {
    return candidates.awaitLeader(limit);
  }

  private String awaitNewLeader(int terms, Duration limit) {
    return candidates.awaitNewLeader(terms, limit);
  }

  @Test
  @DisplayName("Baton's elector and fabric8's LeaderElector share one Lease: never two leaders, each takes over when the other releases")
  void interoperatesWithFabric8() {
    String name = "interop-" + UUID.randomUUID().toString().substring(0, 8);
    CompletableFuture<?> fabric8 = fabric8("fabric8-pod", name);
    assertEquals("fabric8-pod", awaitLeader(Duration.ofSeconds(10)));
    LeaderElector baton = baton("baton-pod", new LeaseLock(api.client(), "elections", name,
        ResourceLockConfig.of("baton-pod"), Map.of()));
    time.pass(LEASE.multipliedBy(2));
    assertEquals(Optional.of("fabric8-pod"), history.currentLeader(), "Baton must respect fabric8's lease");

    int terms = history.termCount();
    fabric8.cancel(true);
    assertEquals("baton-pod", awaitNewLeader(terms, LEASE.plus(RETRY.multipliedBy(3)).plus(MARGIN)));

    CompletableFuture<?> fabric8Again = fabric8("fabric8-pod-2", name);
    time.pass(LEASE.multipliedBy(2));
    assertEquals(Optional.of("baton-pod"), history.currentLeader(), "fabric8 must respect Baton's lease");
    terms = history.termCount();
    baton.cancel().join();
    assertEquals("fabric8-pod-2", awaitNewLeader(terms, LEASE.plus(RETRY.multipliedBy(3)).plus(MARGIN)));
    fabric8Again.cancel(true);
    history.assertNoOverlap();
  }

  @Test
  @DisplayName("The leader's path to the API server goes dark: it steps down within renewDeadline, before anyone else starts")
  void blackhole() throws Exception {
    URI master = URI.create(api.client().getMasterUrl().toString());
    TcpProxy proxy = TcpProxy.to(master.getHost(), master.getPort());
    candidates.closeLater(proxy);
    KubernetesClient proxied = api.newClient(c -> {
      c.setMasterUrl("https://127.0.0.1:" + proxy.port());
      c.setTrustCerts(true);
      c.setDisableHostnameVerification(true);
      c.setRequestTimeout(500);
      c.setConnectionTimeout(500);
      c.setRequestRetryBackoffLimit(0);
      return c;
    });
    candidates.closeLater(proxied);
    String name = "dark-" + UUID.randomUUID().toString().substring(0, 8);
    baton("proxied", new LeaseLock(proxied, "elections", name, ResourceLockConfig.of("proxied"), Map.of()));
    assertEquals("proxied", awaitLeader(Duration.ofSeconds(10)));
    baton("direct", new LeaseLock(api.client(), "elections", name, ResourceLockConfig.of("direct"), Map.of()));
    time.pass(LEASE);
    long dark = time.nanoTime();
    proxy.setMode(ProxyMode.BLACKHOLE);
    assertTrue(time.awaitUntil(() -> history.openTerms() == 0, RENEW.plus(MARGIN)).isPresent(),
        "the cut-off leader still leads: " + history);
    assertEquals("direct", awaitLeader(LEASE.plus(RETRY.multipliedBy(3)).plus(MARGIN)));
    assertTrue(history.lastTerm().orElseThrow().startNanos() - dark <= LEASE.plus(RETRY.multipliedBy(3)).plus(MARGIN).toNanos());
    history.assertNoOverlap();
  }
}
