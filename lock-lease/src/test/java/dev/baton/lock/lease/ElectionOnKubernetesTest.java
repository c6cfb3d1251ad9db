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
    return fabric8(identity, new io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock(
        "elections", name, identity), LEASE, RENEW, true);
  }

  /**
   * fabric8's own elector on {@code lock}, its start and stop noted in the history on the test's clock;
   * cancel the returned future to stop it (releasing if {@code release}).
   */
  private CompletableFuture<?> fabric8(String identity, io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock lock,
      Duration lease, Duration renew, boolean release) {
    return api.client().leaderElector().withConfig(new LeaderElectionConfigBuilder()
        .withName("interop")
        .withLock(lock)
        .withLeaseDuration(lease).withRenewDeadline(renew).withRetryPeriod(RETRY).withReleaseOnCancel(release)
        .withLeaderCallbacks(new io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks(
            () -> history.started(identity, 0), () -> history.stopped(identity), leader -> { }))
        .build()).build().start();
  }

  private static io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock fabric8ConfigMap(String name,
      String identity) {
    return new io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.ConfigMapLock("elections", name, identity);
  }

  /** The time from the end of the term before the last to the start of the last. */
  private Duration lastHandover() {
    java.util.List<LeadershipHistory.Term> terms = history.terms();
    LeadershipHistory.Term before = terms.get(terms.size() - 2);
    LeadershipHistory.Term last = terms.get(terms.size() - 1);
    assertTrue(!before.isOpen(), "the term before the last is still open: " + history);
    return Duration.ofNanos(last.startNanos() - before.endNanos());
  }

  /** The form of the record in the ConfigMap's leader annotation. */
  private static ConfigMapLock.Format storedFormat(String name) {
    return ConfigMapLock.formatOf(api.client().configMaps().inNamespace("elections").withName(name).get()
        .getMetadata().getAnnotations().get(KubernetesApi.ANNOTATION)).orElseThrow();
  }

  /**
   * fabric8 (with a long lease, so a takeover that waits for it shows) leads on a ConfigMap, Baton
   * takes over when it stops, fabric8 takes over again when Baton stops.
   */
  private void fabric8BatonFabric8(boolean graceful) {
    String name = "cm-" + UUID.randomUUID().toString().substring(0, 8);
    Duration fabric8Lease = Duration.ofSeconds(10);
    CompletableFuture<?> fabric8 = fabric8("fabric8-pod", fabric8ConfigMap(name, "fabric8-pod"), fabric8Lease,
        Duration.ofSeconds(8), graceful);
    assertEquals("fabric8-pod", awaitLeader(Duration.ofSeconds(10)));
    assertEquals(ConfigMapLock.Format.FABRIC8, storedFormat(name));
    LeaderElector baton = candidates.start("baton-pod", new ConfigMapLock(api.client(), "elections", name,
        ResourceLockConfig.of("baton-pod"), Map.of()), b -> b.releaseOnCancel(graceful));
    time.pass(LEASE.multipliedBy(2));
    assertEquals(Optional.of("fabric8-pod"), history.currentLeader(), "Baton must respect fabric8's lease");

    int terms = history.termCount();
    fabric8.cancel(true);
    // A release (holder left out, leaseDuration PT1S) is free at once; a crashed holder's lease runs out.
    Duration takeover = graceful ? Duration.ofSeconds(1).plus(RETRY.multipliedBy(3))
        : fabric8Lease.plus(RETRY.multipliedBy(3)).plus(MARGIN);
    assertEquals("baton-pod", awaitNewLeader(terms, takeover.plus(MARGIN)));
    Duration handover = lastHandover();
    assertTrue(handover.compareTo(takeover) <= 0, "Baton took over " + handover + " after fabric8 stopped; bound " + takeover);
    assertEquals(ConfigMapLock.Format.FABRIC8, storedFormat(name), "Baton must keep fabric8's form");

    CompletableFuture<?> fabric8Again = fabric8("fabric8-pod-2", fabric8ConfigMap(name, "fabric8-pod-2"), LEASE, RENEW, true);
    time.pass(LEASE.multipliedBy(2));
    assertEquals(Optional.of("baton-pod"), history.currentLeader(), "fabric8 must respect Baton's lease");
    terms = history.termCount();
    baton.cancel().join();
    // After Baton's release fabric8 sees no holder and takes over on its next try; after a crash,
    // once the renewTime Baton wrote plus its leaseDuration has passed.
    Duration back = graceful ? RETRY.multipliedBy(3).plus(MARGIN) : LEASE.plus(RETRY.multipliedBy(3)).plus(MARGIN);
    assertEquals("fabric8-pod-2", awaitNewLeader(terms, back));
    fabric8Again.cancel(true);
    history.assertNoOverlap();
  }

  @Test
  @DisplayName("fabric8 -> Baton -> fabric8 on a ConfigMap, graceful: each takes over when the other releases (Baton within about a second), never two leaders, fabric8's form kept")
  void configMapHandoverBothWaysGraceful() {
    fabric8BatonFabric8(true);
  }

  @Test
  @DisplayName("fabric8 -> Baton -> fabric8 on a ConfigMap, crash (stop without release): each takes over once the other's lease ran out, never two leaders")
  void configMapHandoverBothWaysCrash() {
    fabric8BatonFabric8(false);
  }

  @Test
  @DisplayName("fabric8's Lease release keeps its holder with leaseDurationSeconds 1: Baton takes over within about a second, not after fabric8's 10 s lease")
  void fabric8LeaseReleaseIsShort() {
    String name = "short-" + UUID.randomUUID().toString().substring(0, 8);
    CompletableFuture<?> fabric8 = fabric8("fabric8-pod", new io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock(
        "elections", name, "fabric8-pod"), Duration.ofSeconds(10), Duration.ofSeconds(8), true);
    assertEquals("fabric8-pod", awaitLeader(Duration.ofSeconds(10)));
    baton("baton-pod", new LeaseLock(api.client(), "elections", name, ResourceLockConfig.of("baton-pod"), Map.of()));
    time.pass(LEASE);
    assertEquals(Optional.of("fabric8-pod"), history.currentLeader(), "Baton must respect fabric8's lease");
    int terms = history.termCount();
    fabric8.cancel(true);
    Duration takeover = Duration.ofSeconds(1).plus(RETRY.multipliedBy(3)).plus(MARGIN);
    assertEquals("baton-pod", awaitNewLeader(terms, takeover.plus(MARGIN)));
    Duration handover = lastHandover();
    assertTrue(handover.compareTo(takeover) <= 0, "Baton took over " + handover + " after fabric8 released; bound " + takeover);
    history.assertNoOverlap();
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
    // A mock server of its own: after the leader's connections were blackholed, fabric8's mock server has
    // been seen not to answer the next tests' requests for over 10 s (CI run of 2026-11-30).
    KubernetesApi api = candidates.closeLater(KubernetesApi.start());
    api.ensureNamespace("elections");
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
