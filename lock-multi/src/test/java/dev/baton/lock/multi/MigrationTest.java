package dev.baton.lock.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.LeaderCallbacks;
import dev.baton.leaderelection.LeaderContext;
import dev.baton.leaderelection.LeaderElectionConfig;
import dev.baton.leaderelection.LeaderElector;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.lock.inmemory.InMemoryResourceLock;
import dev.baton.testkit.LeadershipHistory;
import dev.baton.testkit.TimeDriver;
import dev.baton.testkit.VirtualElectionRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A rolling upgrade from one lock to another, in three steps, on virtual time with client-go's
 * default durations: old candidates on the primary lock only, then candidates on the MultiLock,
 * then candidates on the secondary lock only; candidates of adjacent steps run together.
 */
class MigrationTest {
  private static final Duration LEASE = Duration.ofSeconds(15);
  private static final Duration RETRY = Duration.ofSeconds(2);
  private static final Duration ELECTION_BOUND = LEASE.plus(RETRY.multipliedBy(22).dividedBy(10));

  private final VirtualElectionRuntime runtime = new VirtualElectionRuntime(3);
  private final TimeDriver time = TimeDriver.virtual(runtime);
  private final LeadershipHistory history = new LeadershipHistory(time);
  private final InMemoryLockStore primaryStore = new InMemoryLockStore();
  private final InMemoryLockStore secondaryStore = new InMemoryLockStore();
  private final Map<String, LeaderElector> electors = new LinkedHashMap<>();
  private final List<Duration> elections = new ArrayList<>();

  private ResourceLock primary(String identity) {
    return new InMemoryResourceLock(primaryStore, "default", "app", ResourceLockConfig.of(identity));
  }

  private ResourceLock secondary(String identity) {
    return new InMemoryResourceLock(secondaryStore, "default", "app", ResourceLockConfig.of(identity));
  }

  private void start(String identity, ResourceLock lock, boolean releaseOnCancel) {
    LeaderCallbacks callbacks = new LeaderCallbacks() {
      @Override
      public void onStartedLeading(LeaderContext context) {
        history.started(identity, context.fencingToken());
      }

      @Override
      public void onStoppedLeading() {
        history.stopped(identity);
      }
    };
    LeaderElector elector = new LeaderElector(LeaderElectionConfig.builder()
        .lock(lock).callbacks(callbacks).runtime(runtime).releaseOnCancel(releaseOnCancel).build());
    electors.put(identity, elector);
    elector.start();
  }

  /** Stops a candidate; when it led, waits for the next election and records how long it took. */
  private void stop(String identity) {
    boolean wasLeader = history.currentLeader().equals(Optional.of(identity));
    int terms = history.termCount();
    long stoppedAt = time.nanoTime();
    CompletableFuture<Void> done = electors.remove(identity).cancel();
    assertTrue(time.awaitUntil(done::isDone, LEASE.multipliedBy(2)).isPresent(), identity + " did not stop");
    if (wasLeader) {
      assertTrue(time.awaitUntil(() -> history.termCount() > terms && history.openTerms() == 1, ELECTION_BOUND)
          .isPresent(), "no election within " + ELECTION_BOUND + " after " + identity + " stopped: " + history);
      elections.add(Duration.ofNanos(history.lastTerm().orElseThrow().startNanos() - stoppedAt));
    }
  }

  private String awaitLeader() {
    assertTrue(time.awaitUntil(() -> history.openTerms() == 1, ELECTION_BOUND).isPresent(), "no leader: " + history);
    return history.currentLeader().orElseThrow();
  }

  @Test
  @DisplayName("Old, MultiLock and new candidates in a rolling upgrade: never two leaders, every election won in leaseDuration + 2.2 x retryPeriod")
  void rollingUpgrade() throws Exception {
    // Step 1: the old version, on the primary lock only.
    start("old-0", primary("old-0"), false);
    start("old-1", primary("old-1"), false);
    String leader = awaitLeader();
    assertTrue(leader.startsWith("old-"));

    // Step 2: MultiLock candidates join; the old leader keeps leading while it renews.
    start("mid-0", new MultiLock(primary("mid-0"), secondary("mid-0")), true);
    start("mid-1", new MultiLock(primary("mid-1"), secondary("mid-1")), true);
    time.pass(LEASE.multipliedBy(3));
    assertEquals(Optional.of(leader), history.currentLeader(), "MultiLock candidates must respect the old leader");
    stop("old-0");   // old pods go away without releasing (a crash-like rollout)
    time.pass(LEASE);
    stop("old-1");
    leader = awaitLeader();
    time.pass(LEASE);
    assertTrue(leader.startsWith("mid-"), "with the old candidates gone a MultiLock candidate leads: " + leader);
    assertEquals(leader, secondary("observer").get().record().holderIdentity(), "the MultiLock leader writes the secondary");
    assertEquals(leader, primary("observer").get().record().holderIdentity(), "and the primary");

    // Step 3: the new version, on the secondary lock only; the MultiLock candidates leave, releasing.
    start("new-0", secondary("new-0"), true);
    start("new-1", secondary("new-1"), true);
    time.pass(LEASE.multipliedBy(2));
    assertEquals(Optional.of(leader), history.currentLeader(), "new candidates must respect the MultiLock leader");
    stop("mid-0");
    time.pass(LEASE);
    stop("mid-1");
    leader = awaitLeader();
    time.pass(LEASE.multipliedBy(3));
    assertTrue(leader.startsWith("new-"), "at the end a new candidate leads: " + leader);
    assertEquals(Optional.of(leader), history.currentLeader(), "the new leader keeps leading");

    history.assertNoOverlap();
    assertTrue(elections.size() >= 2, "the rollout must have moved leadership at least twice: " + history);
    for (Duration d : elections) {
      assertTrue(d.compareTo(ELECTION_BOUND) <= 0, "an election took " + d + ": " + elections);
    }
    for (LeaderElector e : electors.values()) {
      CompletableFuture<Void> done = e.cancel();
      time.awaitUntil(done::isDone, LEASE.multipliedBy(2));
    }
  }
}
