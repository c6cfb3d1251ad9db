package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.leaderelection.LeaderContext;
import dev.baton.leaderelection.LeaderElectionConfig;
import dev.baton.leaderelection.LeaderElector;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apiguardian.api.API;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The conformance kit: every backend extends this class, implements a few hooks and runs every
 * group. A group added here runs for every backend.
 *
 * <p>Hooks: {@link #lockType()} and, when the provider needs settings or a client to reach the
 * store, {@link #lockOptions()}: the kit then gets its locks from
 * {@link dev.baton.leaderelection.resourcelock.ResourceLocks#newLock} with its own renew deadline
 * ({@link #kitLockOptions()}). For stores that keep raw bytes {@link #plantRawRecord} and
 * {@link #storedRawRecord}; with the capabilities that need them {@link #deleteRecord}
 * ({@link LockCapability#DELETE_RECORD}) and {@link #newStoreStall()} ({@link LockCapability#STALL});
 * optionally {@link #capabilities()}, {@link #newLock} (to build locks another way),
 * {@link #namespace()}, {@link #otherNamespace()}, {@link #observedRaw}, {@link #newTimeDriver()} and
 * {@link #electorTimings()}.
 *
 * <pre>{@code
 * class EtcdLockConformanceTest extends ResourceLockConformanceKit {
 *   protected String lockType() { return "etcd"; }
 *   protected ResourceLockOptions lockOptions() {
 *     return ResourceLockOptions.builder().setting("etcd.endpoints", server.endpoints()).build();
 *   }
 *   ...
 * }
 * }</pre>
 *
 * <p>Groups: record contract, concurrency, discovery, corrupt records and a stalled store (from
 * {@link LockContractGroups}); here the elector on the backend: one leader, failover, record
 * bookkeeping, faults, pauses, identities, a fuzz test and the watch capability. A failing elector
 * test reports what the candidates' locks did ({@link LockCallLog}). Elector groups run on the time of
 * {@link #newTimeDriver()}: real time with short durations for real servers, virtual time for
 * locks that can run on it (the in-memory lock).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public abstract class ResourceLockConformanceKit extends LockContractGroups {

  private static final int CANDIDATES = 3;

  /** One leader among several candidates. */
  @Nested
  @DisplayName("Elector: one leader")
  public class OneLeader {

    @Test
    @DisplayName("Among three candidates exactly one leads, and the same one keeps leading while it renews")
    void exactlyOneLeader() {
      LeadershipHistory history = new LeadershipHistory(time);
      List<KitCandidate> all = startCandidates(uniqueName(), CANDIDATES, history, b -> { }, ctx -> { });
      KitCandidate leader = awaitNewTerm(history, 1, firstTermBound(electorTimings()), all);
      time.pass(electorTimings().leaseDuration().multipliedBy(3));
      assertEquals(1, history.termCount(), "leadership changed although the leader kept renewing: " + history);
      assertTrue(leader.elector().isLeader(), leader.identity() + " no longer leads");
      for (KitCandidate c : all) {
        if (c != leader) {
          assertFalse(c.elector().isLeader(), c.identity() + " believes it leads too");
          assertEquals(leader.identity(), c.elector().getLeader(), c.identity() + " does not know the leader");
        }
      }
      history.assertNoOverlap();
    }
  }

  /** A new leader after the old one stops. */
  @Nested
  @DisplayName("Elector: failover")
  public class Failover {

    @Test
    @DisplayName("When the leader stops without releasing, another leads within leaseDuration + 2.2 x retryPeriod, never before the lease expired")
    void crashFailover() {
      ElectorTimings t = electorTimings();
      LeadershipHistory history = new LeadershipHistory(time);
      List<KitCandidate> all = startCandidates(uniqueName(), CANDIDATES, history, b -> b.releaseOnCancel(false), ctx -> { });
      KitCandidate first = awaitNewTerm(history, 1, firstTermBound(t), all);
      time.pass(t.retryPeriod().multipliedBy(3));
      long crashNanos = time.nanoTime();
      awaitDone(first.elector().cancel(), "the leader's cancel");
      awaitNewTerm(history, 2, t.failoverBound(), all);
      Duration failover = Duration.ofNanos(history.lastTerm().orElseThrow().startNanos() - crashNanos);
      assertTrue(failover.compareTo(earliestTakeover(t)) >= 0,
          "a follower took over " + failover + " after the crash, before the lease it saw could have expired");
      history.assertNoOverlap();
      history.assertFencingTokensIncrease();
    }

    @Test
    @DisplayName("When the leader releases on cancel, another leads within one acquire attempt (2.2 x retryPeriod)")
    void releaseHandover() {
      ElectorTimings t = electorTimings();
      LeadershipHistory history = new LeadershipHistory(time);
      List<KitCandidate> all = startCandidates(uniqueName(), CANDIDATES, history, b -> b.releaseOnCancel(true), ctx -> { });
      KitCandidate first = awaitNewTerm(history, 1, firstTermBound(t), all);
      time.pass(t.retryPeriod().multipliedBy(2));
      awaitDone(first.elector().cancel(), "the leader's cancel with release");
      awaitNewTerm(history, 2, t.acquireAttemptBound(), all);
      history.assertNoOverlap();
      history.assertFencingTokensIncrease();
    }

    @Test
    @DisplayName("A candidate that stepped down can run again and lead again")
    void runAgain() {
      ElectorTimings t = electorTimings();
      LeadershipHistory history = new LeadershipHistory(time);
      String name = uniqueName();
      KitCandidate a = startCandidates(name, 1, history, b -> { }, ctx -> { }).get(0);
      awaitNewTerm(history, 1, firstTermBound(t), List.of(a));
      awaitDone(a.elector().stepDown(), "stepDown");
      a.elector().start();
      awaitNewTerm(history, 2, t.acquireAttemptBound(), List.of(a));
      history.assertNoOverlap();
      history.assertFencingTokensIncrease();
    }
  }

  /** What the elector writes into the record. */
  @Nested
  @DisplayName("Elector: record bookkeeping")
  public class Bookkeeping {

    @Test
    @DisplayName("leaderTransitions counts +1 per change of holder and acquireTime is kept across renewals")
    void transitionsAndAcquireTime() throws Exception {
      ElectorTimings t = electorTimings();
      LeadershipHistory history = new LeadershipHistory(time);
      String name = uniqueName();
      List<KitCandidate> all = startCandidates(name, 2, history, b -> b.releaseOnCancel(true), ctx -> { });
      KitCandidate first = awaitNewTerm(history, 1, firstTermBound(t), all);
      LeaderElectionRecord r0 = lock(name, "observer").get().record();
      assertEquals(first.identity(), r0.holderIdentity());
      assertEquals(t.leaseDuration().toSeconds(), r0.leaseDurationSeconds());
      time.pass(t.leaseDuration().plus(t.retryPeriod()));
      LeaderElectionRecord r1 = lock(name, "observer").get().record();
      assertEquals(r0.acquireTime(), r1.acquireTime(), "renewals must keep acquireTime");
      assertEquals(r0.leaderTransitions(), r1.leaderTransitions(), "renewals must keep leaderTransitions");
      assertTrue(r1.renewTime().isAfter(r0.renewTime()), "renewTime must advance: " + r0 + " then " + r1);

      awaitDone(first.elector().cancel(), "the leader's cancel with release");
      KitCandidate second = awaitNewTerm(history, 2, t.acquireAttemptBound(), all);
      LeaderElectionRecord r2 = lock(name, "observer").get().record();
      assertEquals(second.identity(), r2.holderIdentity());
      assertEquals(r0.leaderTransitions() + 1, r2.leaderTransitions(), "a change of holder counts one transition");
      assertFalse(r2.acquireTime().isBefore(r1.renewTime()), "the new holder's acquireTime is its own");

      awaitDone(second.elector().cancel(), "the second leader's cancel with release");
      first.elector().start();
      awaitNewTerm(history, 3, t.acquireAttemptBound(), all);
      assertEquals(r0.leaderTransitions() + 2, lock(name, "observer").get().record().leaderTransitions());
      history.assertNoOverlap();
      history.assertFencingTokensIncrease();
    }
  }

  /** A leader whose connection to the store breaks. */
  @Nested
  @DisplayName("Elector: faults")
  public class Faults {

    @ParameterizedTest(name = "lock calls {0}")
    @EnumSource(value = FaultInjectingResourceLock.Mode.class, names = {"FAIL", "HANG"})
    @DisplayName("A leader whose lock fails or hangs steps down within renewDeadline, before any other candidate starts")
    void leaderLosesStore(FaultInjectingResourceLock.Mode fault) {
      ElectorTimings t = electorTimings();
      LeadershipHistory history = new LeadershipHistory(time);
      List<KitCandidate> all = startCandidates(uniqueName(), CANDIDATES, history, b -> { }, ctx -> { });
      KitCandidate leader = awaitNewTerm(history, 1, firstTermBound(t), all);
      time.pass(t.retryPeriod().multipliedBy(2));
      long faultNanos = time.nanoTime();
      leader.lock().setMode(fault);
      Optional<Duration> stepDown = time.awaitUntil(() -> !history.lastTerm().orElseThrow().isOpen(),
          t.renewDeadline().plus(t.margin()));
      assertTrue(stepDown.isPresent(), leader.identity() + " still leads " + t.renewDeadline().plus(t.margin())
          + " after its lock started to " + fault + ": " + history);
      awaitNewTerm(history, 2, t.failoverBound(), all);
      assertTrue(history.lastTerm().orElseThrow().startNanos() - faultNanos <= t.failoverBound().toNanos());
      history.assertNoOverlap();
      leader.lock().setMode(FaultInjectingResourceLock.Mode.PASS);
    }
  }

  /** A leader process frozen and woken again (SIGSTOP, a long GC pause, a VM migration). */
  @Nested
  @DisplayName("Elector: pauses")
  public class Pauses {

    @Test
    @DisplayName("A leader frozen past its lease with a lock call in flight wakes to another leader: it does not act, "
        + "writes nothing over the new leader's record, and the new leader keeps its term")
    void frozenLeaderWakesToAnotherLeader() throws Exception {
      ElectorTimings t = electorTimings();
      LeadershipHistory history = new LeadershipHistory(time);
      String name = uniqueName();
      PausableElectionRuntime frozen = new PausableElectionRuntime(time.runtime());
      List<String> reportedByFrozen = new CopyOnWriteArrayList<>();
      List<LeaderContext> frozenTerms = new CopyOnWriteArrayList<>();
      KitCandidate a = candidate(name, "candidate-0",
          actingCallbacks(history, "candidate-0", frozen, t, frozenTerms, reportedByFrozen),
          b -> b.releaseOnCancel(true).runtime(frozen));
      a.elector().start();
      awaitNewTerm(history, 1, firstTermBound(t), List.of(a));
      List<KitCandidate> all = new ArrayList<>(List.of(a));
      for (int i = 1; i < CANDIDATES; i++) {
        String identity = "candidate-" + i;
        KitCandidate c = candidate(name, identity,
            actingCallbacks(history, identity, time.runtime(), t, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>()),
            b -> b.releaseOnCancel(true));
        c.elector().start();
        all.add(c);
      }
      time.pass(t.retryPeriod().multipliedBy(3));
      assertEquals(1, history.termCount(), "the first leader lost its term before the pause: " + history);

      frozen.pauseAtNextLockCall();
      assertTrue(time.awaitUntil(frozen::isPaused, t.acquireAttemptBound()).isPresent(),
          "the leader made no lock call within " + t.acquireAttemptBound());
      reportedByFrozen.clear();
      KitCandidate second = awaitNewTerm(history, 2, t.failoverBound().plus(t.renewDeadline()), all);
      LeaderElectionRecord taken = lock(name, "observer").get().record();
      assertEquals(second.identity(), taken.holderIdentity());
      time.pass(t.retryPeriod().multipliedBy(2));

      LeaderContext stale = frozenTerms.get(0);
      assertFalse(stale.isLeading(), "the frozen leader's term must be over by its deadline, before it runs again");
      assertFalse(a.elector().isLeader(), "the frozen leader must not believe it leads once its deadline passed");
      frozen.resume();
      assertFalse(stale.isLeading(), "the woken leader's first check must say its term is over");
      time.awaitUntil(() -> a.elector().state() == LeaderElector.State.STOPPED, t.leaseDuration().plus(t.margin()));
      time.pass(t.acquireAttemptBound().plus(t.retryPeriod()));

      LeaderElectionRecord after = lock(name, "observer").get().record();
      assertEquals(second.identity(), after.holderIdentity(),
          "the woken leader's release (or a takeover it made possible) replaced the new leader's record: " + after);
      assertEquals(taken.leaderTransitions(), after.leaderTransitions(), "leaderTransitions changed: " + taken + " then " + after);
      assertEquals(2, history.termCount(), "the new leader lost its term after the old one woke: " + history);
      assertTrue(second.elector().isLeader(), second.identity() + " no longer leads");
      assertFalse(reportedByFrozen.contains(""), "the woken leader reported a release it never made: " + reportedByFrozen);
      history.assertNoOverlap();
      history.assertNoLateActs();
      history.assertFencingTokensIncrease();
      assertTrue(history.actCount() > 0, "no leader acted");
    }

    @Test
    @DisplayName("A leader frozen for less than renewDeadline keeps its term when it wakes")
    void shortPauseKeepsTerm() {
      ElectorTimings t = electorTimings();
      LeadershipHistory history = new LeadershipHistory(time);
      String name = uniqueName();
      PausableElectionRuntime frozen = new PausableElectionRuntime(time.runtime());
      KitCandidate a = candidate(name, "candidate-0",
          actingCallbacks(history, "candidate-0", frozen, t, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>()),
          b -> b.releaseOnCancel(true).runtime(frozen));
      a.elector().start();
      awaitNewTerm(history, 1, firstTermBound(t), List.of(a));
      KitCandidate b = candidate(name, "candidate-1",
          actingCallbacks(history, "candidate-1", time.runtime(), t, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>()),
          x -> x.releaseOnCancel(true));
      b.elector().start();
      time.pass(t.retryPeriod().multipliedBy(2));
      long actsBefore = history.actCount();
      frozen.pause();
      time.pass(t.renewDeadline().minus(t.retryPeriod()).dividedBy(2));
      frozen.resume();
      time.pass(t.leaseDuration().plus(t.retryPeriod().multipliedBy(3)));
      assertEquals(1, history.termCount(), "a pause shorter than renewDeadline cost the term: " + history);
      assertTrue(a.elector().isLeader(), "the leader no longer leads after a short pause");
      assertTrue(history.actCount() > actsBefore, "the leader did not act again after waking");
      history.assertNoOverlap();
      history.assertNoLateActs();
    }
  }

  /** Candidates that share an identity: a misconfiguration, or a restart after a crash. */
  @Nested
  @DisplayName("Elector: identities")
  public class Identities {

    @Test
    @DisplayName("A second live candidate with the leader's identity never leads, and its run ends with IdentityConflictException")
    void duplicateIdentity() {
      ElectorTimings t = electorTimings();
      LeadershipHistory history = new LeadershipHistory(time);
      String name = uniqueName();
      KitCandidate first = candidate(name, "twin", historyCallbacks(history, "twin", ctx -> { }), b -> { });
      first.elector().start();
      awaitNewTerm(history, 1, firstTermBound(t), List.of(first));
      KitCandidate second = candidate(name, "twin", historyCallbacks(history, "twin-2", ctx -> { }), b -> { });
      CompletableFuture<Void> run = second.elector().start();
      Duration limit = t.leaseDuration().plus(t.acquireAttemptBound().multipliedBy(2));
      assertTrue(time.awaitUntil(run::isDone, limit).isPresent(), "the second run with identity 'twin' did not end within "
          + limit + ": " + history);
      assertTrue(run.isCompletedExceptionally(), "the second run ended without a failure");
      Throwable failure = run.handle((v, e) -> e instanceof java.util.concurrent.CompletionException c ? c.getCause() : e).join();
      assertTrue(failure instanceof dev.baton.leaderelection.IdentityConflictException,
          "expected an IdentityConflictException, got " + failure);
      assertEquals(1, history.termCount(), "the second candidate with the same identity led: " + history);
      assertTrue(first.elector().isLeader(), "the first candidate lost its term to its twin");
    }

    @Test
    @DisplayName("A restart of a crashed leader's identity takes over once the crashed run's lease expires, not before")
    void restartAfterCrash() throws Exception {
      ElectorTimings t = electorTimings();
      LeadershipHistory history = new LeadershipHistory(time);
      String name = uniqueName();
      KitCandidate crashed = candidate(name, "phoenix", historyCallbacks(history, "phoenix", ctx -> { }),
          b -> b.releaseOnCancel(false));
      crashed.elector().start();
      awaitNewTerm(history, 1, firstTermBound(t), List.of(crashed));
      time.pass(t.retryPeriod().multipliedBy(2));
      long crashNanos = time.nanoTime();
      awaitDone(crashed.elector().cancel(), "the crash");
      KitCandidate restarted = candidate(name, "phoenix", historyCallbacks(history, "phoenix", ctx -> { }), b -> { });
      CompletableFuture<Void> run = restarted.elector().start();
      awaitNewTerm(history, 2, t.failoverBound(), List.of(restarted));
      Duration took = Duration.ofNanos(history.lastTerm().orElseThrow().startNanos() - crashNanos);
      assertTrue(took.compareTo(earliestTakeover(t)) >= 0, "the restart took the crashed run's record after " + took
          + ", before its lease could have expired");
      assertFalse(run.isDone(), "the restarted run ended: " + run);
      history.assertFencingTokensIncrease();
    }
  }

  /**
   * Callbacks whose leader acts every quarter retry period on {@code runtime}, each action after a
   * check of {@link LeaderContext#isLeading()}, noted in {@code history}.
   */
  private static dev.baton.leaderelection.LeaderCallbacks actingCallbacks(LeadershipHistory history, String identity,
      dev.baton.leaderelection.ElectionRuntime runtime, ElectorTimings t, List<LeaderContext> terms,
      List<String> reportedLeaders) {
    return new dev.baton.leaderelection.LeaderCallbacks() {
      @Override
      public void onStartedLeading(LeaderContext context) {
        terms.add(context);
        history.started(identity, context);
        tick(context);
      }

      private void tick(LeaderContext context) {
        if (!context.isLeading()) {
          return;
        }
        history.acted(identity, context.fencingToken());
        runtime.schedule(t.retryPeriod().dividedBy(4), () -> tick(context));
      }

      @Override
      public void onStoppedLeading() {
        history.stopped(identity);
      }

      @Override
      public void onNewLeader(String leader) {
        reportedLeaders.add(leader);
      }
    };
  }

  /** Leaders come and go at random; the work must never overlap. */
  @Nested
  @DisplayName("Elector: fuzz")
  public class Fuzz {

    @Test
    @DisplayName("Fuzz: leaders crash, release and lose their store at random; work runs only while leading and a non-atomic counter is exact")
    void fuzz() {
      ElectorTimings t = electorTimings();
      LeadershipHistory history = new LeadershipHistory(time);
      Random random = new Random(42);
      Object workLock = new Object();
      long[] counter = {0};
      AtomicLong increments = new AtomicLong();
      List<String> violations = new CopyOnWriteArrayList<>();
      String name = uniqueName();
      List<KitCandidate> all = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String identity = "candidate-" + i;
        all.add(candidate(name, identity, new dev.baton.leaderelection.LeaderCallbacks() {
          @Override
          public void onStartedLeading(LeaderContext context) {
            history.started(identity, context);
            tick(context);
          }

          private void tick(LeaderContext context) {
            synchronized (workLock) {
              if (!context.isLeading()) {
                return;
              }
              if (!history.currentLeader().equals(Optional.of(identity))) {
                violations.add(identity + " worked while the history says " + history.currentLeader() + " leads");
              }
              long seen = counter[0];
              counter[0] = seen + 1;
              increments.incrementAndGet();
              history.acted(identity, context.fencingToken());
            }
            time.runtime().schedule(t.retryPeriod().dividedBy(4), () -> tick(context));
          }

          @Override
          public void onStoppedLeading() {
            synchronized (workLock) {
              history.stopped(identity);
            }
          }
        }, b -> b.releaseOnCancel(false)));
      }
      all.forEach(c -> c.elector().start());
      int rounds = time.isVirtual() ? 12 : 4;
      for (int round = 1; round <= rounds; round++) {
        KitCandidate leader = awaitNewTerm(history, round, t.failoverBound().plus(t.renewDeadline()), all);
        time.pass(t.retryPeriod().multipliedBy(3));
        int disruption = random.nextInt(3);
        switch (disruption) {
          case 0 -> awaitDone(leader.elector().cancel(), "crash of " + leader.identity());
          case 1 -> awaitDone(leader.elector().stepDown(), "step-down of " + leader.identity());
          default -> {
            leader.lock().setMode(FaultInjectingResourceLock.Mode.FAIL);
            assertTrue(time.awaitUntil(() -> leader.elector().state() == LeaderElector.State.STOPPED,
                t.renewDeadline().plus(t.leaseDuration()).plus(t.margin())).isPresent(),
                leader.identity() + " did not stop after its store failed");
            leader.lock().setMode(FaultInjectingResourceLock.Mode.PASS);
          }
        }
        leader.elector().start();
      }
      awaitNewTerm(history, rounds + 1, t.failoverBound().plus(t.renewDeadline()), all);
      assertEquals(List.of(), violations);
      synchronized (workLock) {
        assertTrue(counter[0] > 0, "no work was done");
        assertEquals(increments.get(), counter[0], "the counter lost increments: two leaders worked at once");
      }
      history.assertNoOverlap();
      history.assertNoLateActs();
      history.assertFencingTokensIncrease();
    }
  }

  /** The optional watch capability: followers react at once. */
  @Nested
  @DisplayName("Elector: watch capability")
  public class Watch {

    @Test
    @DisplayName("With a watch, a follower takes over at once when the leader releases, without waiting for its next poll")
    void releaseSeenAtOnce() {
      assumeCapability(LockCapability.WATCH);
      ElectorTimings t = electorTimings();
      LeadershipHistory history = new LeadershipHistory(time);
      List<KitCandidate> all = startCandidates(uniqueName(), 2, history, b -> b.releaseOnCancel(true), ctx -> { });
      KitCandidate first = awaitNewTerm(history, 1, firstTermBound(t), all);
      time.pass(t.retryPeriod().multipliedBy(2).plusMillis(7));
      awaitDone(first.elector().cancel(), "the leader's cancel with release");
      long releasedNanos = time.nanoTime();
      awaitNewTerm(history, 2, t.acquireAttemptBound(), all);
      Duration handover = Duration.ofNanos(history.lastTerm().orElseThrow().startNanos() - releasedNanos);
      assertTrue(handover.compareTo(watchReaction(t)) <= 0,
          "handover took " + handover + "; with a watch it must take at most " + watchReaction(t));
      history.assertNoOverlap();
    }

    @Test
    @DisplayName("With a watch, a follower takes over when the crashed leader's lease expires, not before and not a poll later")
    void expirySeenOnTime() {
      assumeCapability(LockCapability.WATCH);
      ElectorTimings t = electorTimings();
      LeadershipHistory history = new LeadershipHistory(time);
      List<KitCandidate> all = startCandidates(uniqueName(), 2, history, b -> b.releaseOnCancel(false), ctx -> { });
      KitCandidate first = awaitNewTerm(history, 1, firstTermBound(t), all);
      time.pass(t.retryPeriod().multipliedBy(3).plusMillis(7));
      long crashNanos = time.nanoTime();
      awaitDone(first.elector().cancel(), "the leader's cancel");
      awaitNewTerm(history, 2, t.failoverBound(), all);
      Duration failover = Duration.ofNanos(history.lastTerm().orElseThrow().startNanos() - crashNanos);
      assertTrue(failover.compareTo(earliestTakeover(t)) >= 0,
          "a follower took over " + failover + " after the crash, before the lease could have expired");
      assertTrue(failover.compareTo(t.leaseDuration().plus(watchReaction(t))) <= 0,
          "failover took " + failover + "; with a watch at most leaseDuration + " + watchReaction(t));
      history.assertNoOverlap();
    }
  }

  /**
   * The earliest a follower may take over after a crash: the last renewal came at most one retry
   * period before the crash, and a store that ignores a write of identical bytes (a renewal in the
   * same second: record times have whole seconds) may show the follower a renewal up to 1 s older.
   */
  private static Duration earliestTakeover(ElectorTimings t) {
    return t.leaseDuration().minus(t.retryPeriod()).minus(LeaderElectionConfig.MIN_LEASE_MARGIN);
  }

  /**
   * How long the first election of a test may take: one acquire attempt, plus one call that may time
   * out on a cold client (the first request of a fresh connection can outlast a short client timeout).
   * Later elections, which the groups measure, get no such allowance.
   */
  private static Duration firstTermBound(ElectorTimings t) {
    return t.acquireAttemptBound().plus(t.renewDeadline());
  }

  /** How late a watching follower may act: 10 ms on virtual time, half a retry period plus 100 ms on real time. */
  private Duration watchReaction(ElectorTimings t) {
    return time.isVirtual() ? Duration.ofMillis(10) : t.retryPeriod().dividedBy(2).plusMillis(100);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /**
   * Builds and starts {@code count} candidates on lock {@code name} that report to {@code history}.
   *
   * @param name the lock's name
   * @param count how many candidates
   * @param history where their terms go
   * @param tweak changes to each configuration
   * @param work what each leader does with its context
   * @return the started candidates
   */
  protected List<KitCandidate> startCandidates(String name, int count, LeadershipHistory history,
      Consumer<LeaderElectionConfig.Builder> tweak, Consumer<LeaderContext> work) {
    List<KitCandidate> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String identity = "candidate-" + i;
      all.add(candidate(name, identity, historyCallbacks(history, identity, work), tweak));
    }
    all.forEach(c -> c.elector().start());
    return all;
  }

  /**
   * Waits until {@code history} has {@code terms} terms and the last is open, and returns its leader.
   *
   * @param history the history
   * @param terms the number of terms to wait for
   * @param limit the most time to wait
   * @param candidates the candidates, to find the leader among
   * @return the leader of the last term
   */
  protected KitCandidate awaitNewTerm(LeadershipHistory history, int terms, Duration limit, List<KitCandidate> candidates) {
    Optional<Duration> took = time.awaitUntil(() -> history.termCount() >= terms && history.openTerms() == 1, limit);
    if (took.isEmpty()) {
      fail("no leader of term " + terms + " within " + limit + ": " + history);
    }
    assertEquals(terms, history.termCount(), "more terms than expected: " + history);
    String leader = history.lastTerm().orElseThrow().identity();
    return candidates.stream().filter(c -> c.identity().equals(leader)).findFirst()
        .orElseThrow(() -> new AssertionError("unknown leader " + leader));
  }

  /**
   * Waits for a future of an elector (cancel, step down) to complete.
   *
   * @param future the future
   * @param what what it is, for the failure message
   */
  protected void awaitDone(CompletableFuture<?> future, String what) {
    Duration limit = electorTimings().leaseDuration().multipliedBy(2).plus(electorTimings().margin());
    if (time.awaitUntil(future::isDone, limit).isEmpty()) {
      fail(what + " did not complete within " + limit);
    }
    if (future.isCompletedExceptionally()) {
      fail(what + " failed: " + future);
    }
  }
}
