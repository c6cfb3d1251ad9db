package dev.baton.lock.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.ForwardingResourceLock;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.lock.inmemory.InMemoryResourceLock;
import dev.baton.lock.lease.KubernetesLockSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a MultiLock reports as its client timeout, and what the composite provider gives its parts. */
class MultiLockClientTimeoutTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration P = Duration.ofSeconds(2);
  private static final Duration S = Duration.ofSeconds(3);

  /** A kubeconfig for a server that is never contacted: building the locks does not connect. */
  private static final String KUBECONFIG = """
      apiVersion: v1
      kind: Config
      clusters:
      - name: c
        cluster: {server: "https://127.0.0.1:1"}
      users:
      - name: u
        user: {token: "t"}
      contexts:
      - name: only
        context: {cluster: c, user: u}
      current-context: only
      """;

  private final InMemoryLockStore primaryStore = new InMemoryLockStore();
  private final InMemoryLockStore secondaryStore = new InMemoryLockStore();

  /**
   * A real in-memory lock that reports a client timeout and adds it to a shared account at each
   * store call: the longest the call could have taken had the store answered at the last moment.
   */
  private static final class Timed extends ForwardingResourceLock {
    private final Duration timeout;
    private final Duration[] spent;

    Timed(ResourceLock delegate, Duration timeout, Duration[] spent) {
      super(delegate);
      this.timeout = timeout;
      this.spent = spent;
    }

    @Override
    protected Object intercept(Operation operation, LeaderElectionRecord record, Call<?> call) throws LockException {
      spent[0] = spent[0].plus(timeout);
      return call.call();
    }

    @Override
    public Optional<Duration> clientTimeout() {
      return Optional.of(timeout);
    }
  }

  private MultiLock multi(String identity, Duration p, Duration s, Duration[] spent) {
    ResourceLockConfig config = ResourceLockConfig.of(identity);
    return new MultiLock(new Timed(new InMemoryResourceLock(primaryStore, "ns", "app", config), p, spent),
        new Timed(new InMemoryResourceLock(secondaryStore, "ns", "app", config), s, spent));
  }

  private static LeaderElectionRecord held(String holder, int transitions) {
    return LeaderElectionRecord.of(holder, 15, T, T, transitions);
  }

  @Test
  @DisplayName("A MultiLock reports no client timeout when either part cannot tell its own")
  void emptyWhenAPartHasNone() {
    ResourceLockConfig me = ResourceLockConfig.of("me");
    ResourceLock untimed = new InMemoryResourceLock(primaryStore, "ns", "app", me);
    ResourceLock timed = new Timed(new InMemoryResourceLock(secondaryStore, "ns", "app", me), S, new Duration[] {Duration.ZERO});
    assertEquals(Optional.empty(), new MultiLock(untimed, new InMemoryResourceLock(secondaryStore, "ns", "app", me))
        .clientTimeout());
    assertEquals(Optional.empty(), new MultiLock(untimed, timed).clientTimeout());
    assertEquals(Optional.empty(), new MultiLock(timed, untimed).clientTimeout());
  }

  @Test
  @DisplayName("With both parts timed, the bound is max(2p + s, p + 2s): the longest chain of store calls, not their sum")
  void boundIsTheLongestChain() {
    Duration[] unused = {Duration.ZERO};
    assertEquals(Optional.of(Duration.ofSeconds(8)), multi("me", P, S, unused).clientTimeout(), "p=2s, s=3s: p + 2s");
    assertEquals(Optional.of(Duration.ofSeconds(8)), multi("me", S, P, unused).clientTimeout(), "p=3s, s=2s: 2p + s");
    assertEquals(Optional.of(Duration.ofSeconds(3)), multi("me", Duration.ofSeconds(1), Duration.ofSeconds(1), unused)
        .clientTimeout(), "equal parts: three times the part's");
  }

  /**
   * Runs every path of get, create and update on the real stores, adding up the part timeouts of
   * the store calls each one made, and checks each within the bound; the longest must reach it.
   */
  private void everyCallWithinTheBound(Duration p, Duration s) throws Exception {
    Duration[] spent = {Duration.ZERO};
    Duration bound = multi("me", p, s, spent).clientTimeout().orElseThrow();
    Map<String, Duration> chains = new LinkedHashMap<>();

    MultiLock me = multi("me", p, s, spent);
    primaryStore.delete("ns", "app");
    secondaryStore.delete("ns", "app");
    chains.put("create on an empty election", spend(spent, () -> me.create(held("me", 0))));
    chains.put("get of both records", spend(spent, me::get));
    chains.put("update with the secondary there", spend(spent, () -> me.update(held("me", 0))));
    secondaryStore.delete("ns", "app");
    chains.put("update with the secondary missing", spend(spent, () -> me.update(held("me", 0))));
    secondaryStore.delete("ns", "app");
    MultiLock again = multi("me", p, s, spent);
    chains.put("create over this candidate's own primary", spend(spent, () -> again.create(held("me", 1))));

    Duration longest = Duration.ZERO;
    for (Map.Entry<String, Duration> chain : chains.entrySet()) {
      assertFalse(chain.getValue().compareTo(bound) > 0,
          chain.getKey() + " may take " + chain.getValue() + ", more than the reported " + bound);
      longest = chain.getValue().compareTo(longest) > 0 ? chain.getValue() : longest;
    }
    assertEquals(bound, longest, "the bound is reached by some call: " + chains);
    assertTrue(longest.compareTo(p.plus(s)) > 0, "p + s would not be a bound: " + chains);
  }

  @FunctionalInterface
  private interface LockCall {
    void run() throws Exception;
  }

  private static Duration spend(Duration[] spent, LockCall call) throws Exception {
    spent[0] = Duration.ZERO;
    call.run();
    return spent[0];
  }

  @Test
  @DisplayName("Every get, create and update path chains store calls within the bound, and one reaches it (slower secondary)")
  void chainsWithinBoundSlowerSecondary() throws Exception {
    everyCallWithinTheBound(P, S);
  }

  @Test
  @DisplayName("Every get, create and update path chains store calls within the bound, and one reaches it (slower primary)")
  void chainsWithinBoundSlowerPrimary() throws Exception {
    everyCallWithinTheBound(S, P);
  }

  @Test
  @DisplayName("A composite type from ResourceLocks.newLock gives each part a third of the renew deadline, so one MultiLock call stays within the options' client timeout")
  void providerSplitsTheBudget(@TempDir Path dir) throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("config"), KUBECONFIG);
    Map<Duration, Duration> partTimeoutByRenewDeadline = new LinkedHashMap<>();
    partTimeoutByRenewDeadline.put(Duration.ofSeconds(12), Duration.ofSeconds(2));
    partTimeoutByRenewDeadline.put(Duration.ofSeconds(30), Duration.ofSeconds(5));
    partTimeoutByRenewDeadline.put(Duration.ofSeconds(3), ResourceLockOptions.MIN_CLIENT_TIMEOUT);
    for (Map.Entry<Duration, Duration> c : partTimeoutByRenewDeadline.entrySet()) {
      ResourceLockOptions options = ResourceLockOptions.builder()
          .setting(KubernetesLockSettings.KUBECONFIG, kubeconfig.toString()).renewDeadline(c.getKey()).build();
      try (MultiLock lock = (MultiLock) ResourceLocks.newLock("configmaps-to-leases", "ns", "app",
          ResourceLockConfig.of("me"), options)) {
        String what = "renewDeadline " + c.getKey();
        assertEquals(Optional.of(c.getValue()), lock.primary().clientTimeout(), what);
        assertEquals(Optional.of(c.getValue()), lock.secondary().clientTimeout(), what);
        assertEquals(Optional.of(c.getValue().multipliedBy(3)), lock.clientTimeout(), what);
        if (c.getKey().compareTo(Duration.ofSeconds(6)) >= 0) {
          assertEquals(options.clientTimeout(), lock.clientTimeout().orElseThrow(), what);
        }
      }
    }
    try (MultiLock lock = (MultiLock) ResourceLocks.newLock("configmaps-to-leases", "ns", "app",
        ResourceLockConfig.of("me"), ResourceLockOptions.builder()
            .setting(KubernetesLockSettings.KUBECONFIG, kubeconfig.toString()).build())) {
      Duration part = lock.primary().clientTimeout().orElseThrow();
      assertEquals(ResourceLockOptions.DEFAULT_CLIENT_TIMEOUT.dividedBy(3).truncatedTo(ChronoUnit.MILLIS), part,
          "default options: a third of the default client timeout, in the whole milliseconds fabric8 takes");
      assertEquals(Optional.of(part), lock.secondary().clientTimeout());
      Duration bound = lock.clientTimeout().orElseThrow();
      assertEquals(part.multipliedBy(3), bound);
      assertFalse(bound.compareTo(ResourceLockOptions.DEFAULT_CLIENT_TIMEOUT) > 0,
          "default options: " + bound + " must not exceed " + ResourceLockOptions.DEFAULT_CLIENT_TIMEOUT);
    }
  }
}
