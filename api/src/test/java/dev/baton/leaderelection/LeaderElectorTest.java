package dev.baton.leaderelection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.ElectionScenario.Candidate;
import dev.baton.leaderelection.SharedRecordStore.Call;
import dev.baton.leaderelection.SharedRecordStore.Mode;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** client-go's scenarios ({@code leaderelection_test.go}) and Baton's additions, on virtual time. */
class LeaderElectorTest {
  private static final Duration LEASE = LeaderElectionConfig.DEFAULT_LEASE_DURATION;
  private static final Duration RENEW = LeaderElectionConfig.DEFAULT_RENEW_DEADLINE;
  private static final Duration RETRY = LeaderElectionConfig.DEFAULT_RETRY_PERIOD;
  private static final Duration MAX_ACQUIRE_WAIT = Duration.ofMillis((long) (RETRY.toMillis() * 2.2));

  private final ElectionScenario world = new ElectionScenario();

  @AfterEach
  void noTwoLeaders() {
    assertEquals(List.of(), world.violations, "leadership overlapped or started too early");
  }

  private Instant at(Duration elapsed) {
    return VirtualTime.EPOCH.plus(elapsed);
  }

  @Nested
  @DisplayName("acquiring, as client-go")
  class Acquiring {

    @Test
    @DisplayName("A candidate creates the record and leads at once when there is none")
    void acquiresWhenNoRecord() throws Exception {
      Candidate a = world.candidate("a");
      a.elector.start();

      assertTrue(world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(1)));
      assertEquals(Duration.ZERO, world.elapsed());
      LeaderElectionRecord stored = world.storedRecord();
      assertEquals(LeaderElectionRecord.of("a", 15, at(Duration.ZERO), at(Duration.ZERO), 0), stored);
      assertEquals(1, a.started());
      assertEquals(List.of("a"), a.newLeaders);
      assertEquals("a", a.elector.getLeader());
      assertEquals(1, world.metrics.on.get());
    }

    @Test
    @DisplayName("A candidate takes over an expired lease after leaseDuration of no change, counting one transition")
    void acquiresExpiredLease() throws Exception {
      ResourceLock other = world.rawLock("other");
      other.create(LeaderElectionRecord.of("other", 15, at(Duration.ZERO), at(Duration.ZERO), 4));
      Candidate a = world.candidate("a");
      a.elector.start();

      assertTrue(world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(60)));
      Duration took = world.elapsed();
      assertTrue(took.compareTo(LEASE) >= 0, "took over after " + took + ", before the lease expired");
      assertTrue(took.compareTo(LEASE.plus(MAX_ACQUIRE_WAIT)) < 0, "took over only after " + took);
      LeaderElectionRecord stored = world.storedRecord();
      assertEquals("a", stored.holderIdentity());
      assertEquals(5, stored.leaderTransitions());
      assertEquals(at(took).truncatedTo(ChronoUnit.SECONDS), stored.acquireTime(), "JSON keeps whole seconds");
      assertEquals(List.of("other", "a"), a.newLeaders);
    }

    @Test
    @DisplayName("A candidate never takes a lease that its holder keeps renewing")
    void doesNotAcquireHeldLease() {
      Candidate a = world.candidate("a");
      Candidate b = world.candidate("b");
      a.elector.start();
      world.runtime.advance(Duration.ofSeconds(1));
      b.elector.start();

      world.runtime.advance(Duration.ofMinutes(5));
      assertTrue(a.elector.isLeader());
      assertFalse(b.elector.isLeader());
      assertEquals(0, b.started());
      assertEquals("a", b.elector.getLeader());
      assertEquals(List.of("a"), b.newLeaders);
    }

    @Test
    @DisplayName("A released record (empty holder) is free at once, and taking it counts one transition")
    void releasedRecordIsFreeAtOnce() throws Exception {
      world.rawLock("old").create(LeaderElectionRecord.of("", 15, at(Duration.ZERO), at(Duration.ZERO), 2));
      Candidate a = world.candidate("a");
      a.elector.start();

      assertTrue(world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(1)));
      assertEquals(Duration.ZERO, world.elapsed());
      assertEquals(3, world.storedRecord().leaderTransitions());
    }

    @Test
    @DisplayName("Expiry is judged on the monotonic clock: old or skewed wall-clock times in the record change nothing")
    void expiryOnMonotonicClock() throws Exception {
      world.rawLock("other").create(LeaderElectionRecord.of("other", 15,
          Instant.parse("1999-01-01T00:00:00Z"), Instant.parse("1999-01-01T00:00:00Z"), 0));
      Candidate a = world.candidate("a");
      a.elector.start();
      world.runtime.advance(Duration.ofSeconds(5));
      world.runtime.skewWallClock(Duration.ofHours(3));

      world.runtime.advance(Duration.ofSeconds(9));
      assertFalse(a.elector.isLeader(), "took over a lease it observed only 14 s ago");
      assertTrue(world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(10)));
      assertTrue(world.elapsed().compareTo(LEASE) >= 0);
      assertEquals(at(world.elapsed()).plus(Duration.ofHours(3)).truncatedTo(ChronoUnit.SECONDS),
          world.storedRecord().acquireTime(),
          "the timestamps written come from the wall clock");
    }

    @Test
    @DisplayName("Acquire attempts are spaced retryPeriod x [1, 2.2) apart (jitter factor 1.2)")
    void acquireAttemptsAreJittered() throws Exception {
      Candidate a = world.candidate("a");
      a.elector.start();
      world.runtime.advance(Duration.ofSeconds(1));
      Candidate b = world.candidate("b");
      List<Long> attempts = new ArrayList<>();
      long before = b.lock.calls(Call.GET);
      b.elector.start();
      for (int i = 0; i < 200 && attempts.size() < 40; i++) {
        world.advanceUntil(() -> b.lock.calls(Call.GET) > before + attempts.size(), Duration.ofSeconds(10));
        attempts.add(world.runtime.nanoTime());
      }
      assertEquals(40, attempts.size());
      double min = Double.MAX_VALUE;
      double max = 0;
      for (int i = 1; i < attempts.size(); i++) {
        double gap = (attempts.get(i) - attempts.get(i - 1)) / 1e9;
        min = Math.min(min, gap);
        max = Math.max(max, gap);
        assertTrue(gap >= 2.0 && gap < 4.4, "attempt gap " + gap + " s outside [2, 4.4)");
      }
      assertTrue(max - min > 0.5, "gaps do not vary: jitter missing (min " + min + ", max " + max + ")");
    }
  }

  @Nested
  @DisplayName("renewing, as client-go")
  class Renewing {

    @Test
    @DisplayName("A leader renews every retryPeriod through the fast path: writes only, no reads")
    void renewsThroughFastPath() throws Exception {
      Candidate a = world.candidate("a");
      a.elector.start();
      world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(1));
      long reads = a.lock.calls(Call.GET);
      long writes = a.lock.calls(Call.UPDATE);

      world.runtime.advance(Duration.ofSeconds(20));
      assertEquals(reads, a.lock.calls(Call.GET), "the leader read the record while renewing");
      assertEquals(writes + 10, a.lock.calls(Call.UPDATE), "one renewal per retry period");
      LeaderElectionRecord stored = world.storedRecord();
      assertEquals(at(Duration.ZERO), stored.acquireTime(), "acquireTime is kept across renewals");
      assertEquals(at(Duration.ofSeconds(20)), stored.renewTime());
      assertEquals(0, stored.leaderTransitions());
      assertEquals(0, world.metrics.slowPath.get());
    }

    @Test
    @DisplayName("When the fast path fails, a leader renews through the slow path (read, then update) and it is counted")
    void slowPathIsCounted() throws Exception {
      Candidate a = world.candidate("a");
      a.elector.start();
      world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(1));
      world.runtime.advance(Duration.ofSeconds(3));
      // A twin with the same identity writes, so the leader's cached version is stale but it still holds the lock.
      ResourceLock twin = world.rawLock("a");
      LeaderElectionRecord current = twin.get().record();
      twin.update(current.withRenewTime(current.renewTime().plusSeconds(1)));

      world.runtime.advance(Duration.ofSeconds(2));
      assertEquals(1, world.metrics.slowPath.get());
      assertTrue(a.elector.isLeader());
      assertEquals(at(Duration.ZERO), world.storedRecord().acquireTime());
      assertEquals(1, a.started());
    }

    @Test
    @DisplayName("A leader whose record was taken over steps down at its next renewal, without waiting for renewDeadline")
    void losesOnConflict() throws Exception {
      Candidate a = world.candidate("a");
      a.elector.start();
      world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(1));
      world.runtime.advance(Duration.ofSeconds(5));   // last renewal started at 4 s
      ResourceLock thief = world.rawLock("thief");
      assertEquals(0, thief.get().record().leaderTransitions());
      thief.update(LeaderElectionRecord.of("thief", 15, at(world.elapsed()), at(world.elapsed()), 1));

      assertTrue(world.advanceUntil(() -> !a.elector.isLeader(), Duration.ofSeconds(30)));
      assertEquals(Duration.ofSeconds(6), world.elapsed(), "leadership must end at the first renewal that sees the thief");
      assertNotEquals(LeaderElector.State.LEADING, a.elector.state(), "the run must have left its leading state");
      assertTrue(world.advanceUntil(() -> a.stopped() == 1, Duration.ofSeconds(1)));
      assertFalse(a.terms.get(0).isLeading(), "the leader's context must be cancelled");
      assertThrows(IllegalStateException.class, () -> a.terms.get(0).checkLeading());
      assertEquals("thief", world.storedRecord().holderIdentity(), "a lost leader must not overwrite the new holder");
      assertEquals(1, world.metrics.off.get());
    }

    @Test
    @DisplayName("A leader whose store stops answering steps down within renewDeadline, before any follower may take over")
    void stepsDownWhenStoreHangs() {
      Candidate a = world.candidate("a");
      Candidate b = world.candidate("b");
      a.elector.start();
      world.runtime.advance(Duration.ofMillis(100));
      b.elector.start();
      world.runtime.advance(Duration.ofSeconds(7));   // a's last renewal began at 6 s
      a.lock.setMode(Mode.HANG);

      assertTrue(world.advanceUntil(() -> a.stopped() == 1, Duration.ofSeconds(30)));
      assertEquals(Duration.ofSeconds(16), world.elapsed());
      assertEquals(0, b.started());
      assertTrue(world.advanceUntil(b.elector::isLeader, Duration.ofSeconds(30)));
      assertTrue(world.elapsed().compareTo(Duration.ofSeconds(6 + 15)) >= 0,
          "b took over at " + world.elapsed() + ", before a's last write could have expired");
    }
  }

  @Nested
  @DisplayName("releasing and stepping down")
  class Releasing {

    @Test
    @DisplayName("With releaseOnCancel, cancel writes holder \"\", leaseDurationSeconds 1, acquire = renew = now, transitions kept")
    void releaseOnCancel() throws Exception {
      world.rawLock("old").create(LeaderElectionRecord.of("", 15, at(Duration.ZERO), at(Duration.ZERO), 6));
      Candidate a = world.candidate("a", c -> c.releaseOnCancel(true));
      a.elector.start();
      world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(1));
      world.runtime.advance(Duration.ofSeconds(3));

      var done = a.elector.cancel();
      assertTrue(world.advanceUntil(done::isDone, Duration.ofSeconds(1)));
      assertEquals(LeaderElectionRecord.of("", 1, at(Duration.ofSeconds(3)), at(Duration.ofSeconds(3)), 7),
          world.storedRecord());
      assertEquals(List.of("started", "stopped"), a.calls);
      assertEquals(List.of("a", ""), a.newLeaders);
      assertFalse(a.elector.isLeader());
      assertEquals(LeaderElector.State.STOPPED, a.elector.state());
    }

    @Test
    @DisplayName("Without releaseOnCancel, cancel leaves the record naming the old leader")
    void cancelWithoutRelease() throws Exception {
      Candidate a = world.candidate("a");
      a.elector.start();
      world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(1));
      var done = a.elector.cancel();
      assertTrue(world.advanceUntil(done::isDone, Duration.ofSeconds(1)));
      assertEquals("a", world.storedRecord().holderIdentity());
      assertEquals(1, a.stopped());
    }

    @Test
    @DisplayName("stepDown releases even without releaseOnCancel, and a waiting candidate takes over within one acquire attempt")
    void stepDownHandsOver() throws Exception {
      Candidate a = world.candidate("a");
      Candidate b = world.candidate("b");
      a.elector.start();
      world.runtime.advance(Duration.ofMillis(10));
      b.elector.start();
      world.runtime.advance(Duration.ofSeconds(9));

      a.elector.stepDown();
      long released = world.runtime.nanoTime();
      assertTrue(world.advanceUntil(b.elector::isLeader, Duration.ofSeconds(10)));
      Duration handover = Duration.ofNanos(world.runtime.nanoTime() - released);
      assertTrue(handover.compareTo(MAX_ACQUIRE_WAIT) < 0, "handover took " + handover);
      assertEquals(1, world.storedRecord().leaderTransitions());
    }

    @Test
    @DisplayName("A candidate that never led still gets onStoppedLeading when its run ends, as in client-go")
    void stoppedWithoutLeading() {
      Candidate a = world.candidate("a");
      Candidate b = world.candidate("b");
      a.elector.start();
      world.runtime.advance(Duration.ofSeconds(1));
      b.elector.start();
      world.runtime.advance(Duration.ofSeconds(1));
      var done = b.elector.cancel();
      assertTrue(world.advanceUntil(done::isDone, Duration.ofSeconds(1)));
      assertEquals(List.of("stopped"), b.calls);
    }

    @Test
    @DisplayName("An elector runs again after losing, and becomes leader again")
    void runsAgain() {
      Candidate a = world.candidate("a");
      var first = a.elector.start();
      world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(1));
      a.lock.setMode(Mode.FAIL);
      assertTrue(world.advanceUntil(first::isDone, Duration.ofSeconds(30)));
      a.lock.setMode(Mode.PASS);
      assertThrows(IllegalStateException.class, () -> {
        a.elector.start();
        a.elector.start();
      });
      assertTrue(world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(60)));
      assertEquals(List.of("started", "stopped", "started"), a.calls);
      assertTrue(a.terms.get(1).fencingToken() > a.terms.get(0).fencingToken());
    }
  }

  @Nested
  @DisplayName("Baton's guarantees")
  class Guarantees {

    @Test
    @DisplayName("Across many failovers among three candidates: one leader at a time, increasing fencing tokens, each election won in time")
    void failoversNeverOverlap() {
      Candidate[] cs = {world.candidate("a"), world.candidate("b"), world.candidate("c")};
      for (Candidate c : cs) {
        c.elector.start();
        world.runtime.advance(Duration.ofMillis(137));
      }
      List<Long> tokens = new ArrayList<>();
      for (int round = 0; round < 12; round++) {
        assertTrue(world.advanceUntil(() -> world.leaders() == 1, LEASE.plus(MAX_ACQUIRE_WAIT).plusSeconds(1)),
            "no leader elected within leaseDuration + 2.2 x retryPeriod in round " + round);
        Candidate leader = List.of(cs).stream().filter(c -> c.elector.isLeader()).findFirst().orElseThrow();
        LeaderContext term = leader.terms.get(leader.terms.size() - 1);
        tokens.add(term.fencingToken());
        world.runtime.advance(Duration.ofSeconds(3));
        if (round % 3 == 0) {
          leader.elector.stepDown();
          world.advanceUntil(() -> leader.elector.state() == LeaderElector.State.STOPPED, Duration.ofSeconds(1));
          leader.elector.start();
        } else {
          leader.lock.setMode(round % 3 == 1 ? Mode.HANG : Mode.FAIL);
          world.advanceUntil(() -> !leader.elector.isLeader(), RENEW.plusSeconds(1));
          assertFalse(term.isLeading());
          world.advanceUntil(() -> leader.elector.state() == LeaderElector.State.STOPPED, Duration.ofSeconds(20));
          leader.lock.setMode(Mode.PASS);
          leader.elector.start();
        }
      }
      for (int i = 1; i < tokens.size(); i++) {
        assertTrue(tokens.get(i) > tokens.get(i - 1), "fencing tokens not increasing: " + tokens);
      }
      for (Candidate c : cs) {
        List<String> calls = c.calls;
        for (int i = 1; i < calls.size(); i++) {
          assertFalse(calls.get(i).equals("started") && calls.get(i - 1).equals("started"),
              c + " started twice without stopping: " + calls);
        }
      }
    }

    @Test
    @DisplayName("A leader's context is cancelled and its token invalid the moment leadership is lost")
    void contextCancelledOnLoss() {
      Candidate a = world.candidate("a");
      a.elector.start();
      world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(1));
      LeaderContext term = a.terms.get(0);
      assertTrue(term.isLeading());
      term.checkLeading();
      a.lock.setMode(Mode.FAIL);
      assertTrue(world.advanceUntil(() -> !term.isLeading(), Duration.ofSeconds(11)));
      assertFalse(a.elector.isLeader());
      assertEquals(Duration.ofSeconds(10), world.elapsed());
    }

    @Test
    @DisplayName("Release on cancel waits for leader work that does not return at most leaseDuration, then releases")
    void releaseWaitsAtMostLeaseDuration() throws Exception {
      FreezableRuntime holding = new FreezableRuntime(world.runtime);
      holding.holdNextCallback = true;   // onStartedLeading never gets to return
      Candidate a = world.candidate("a", b -> b.runtime(holding).releaseOnCancel(true));
      a.elector.start();
      assertTrue(world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(1)));
      assertEquals(1, holding.heldCallbacks.size(), "onStartedLeading must have been handed to the callback executor");
      assertEquals(0, a.started(), "onStartedLeading is held, as if it never returned");
      world.runtime.advance(Duration.ofSeconds(3));
      Duration cancelledAt = world.elapsed();
      CompletableFuture<Void> stopped = a.elector.cancel();
      assertTrue(world.advanceUntil(() -> world.storedHolder().isEmpty(), Duration.ofSeconds(30)));
      assertEquals(Duration.ofSeconds(15), world.elapsed().minus(cancelledAt),
          "the release must wait leaseDuration for the work, no less");
      assertTrue(world.advanceUntil(stopped::isDone, Duration.ofSeconds(1)));
      assertEquals(1, a.stopped());
    }

    @Test
    @DisplayName("Taking its own unexpired record back after its term ended starts a new term: transitions + 1, a greater fencing token")
    void ownRecordNewTerm() throws Exception {
      Candidate a = world.candidate("a");
      a.elector.start();
      assertTrue(world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(1)));
      world.runtime.advance(Duration.ofSeconds(4));
      LeaderElectionRecord first = world.storedRecord();
      a.lock.setMode(Mode.FAIL);
      assertTrue(world.advanceUntil(() -> a.elector.state() == LeaderElector.State.STOPPED, Duration.ofSeconds(20)));
      assertEquals("a", world.storedRecord().holderIdentity(), "the record still names a, and its lease has not expired");
      a.lock.setMode(Mode.PASS);
      a.elector.start();
      assertTrue(world.advanceUntil(() -> a.started() == 2, Duration.ofSeconds(5)));
      LeaderElectionRecord second = world.storedRecord();
      assertEquals(first.leaderTransitions() + 1, second.leaderTransitions());
      assertTrue(second.acquireTime().isAfter(first.acquireTime()), "the new term has its own acquireTime");
      assertTrue(a.terms.get(1).fencingToken() > a.terms.get(0).fencingToken());
    }

    @Test
    @DisplayName("The watchdog fails when the elector believes it leads but has not renewed for leaseDuration + timeout")
    void watchdog() {
      FreezableRuntime frozen = new FreezableRuntime(world.runtime);
      LeaderHealthCheck health = new LeaderHealthCheck(Duration.ofSeconds(5));
      Candidate a = world.candidate("a", b -> b.runtime(frozen).watchdog(health));
      a.elector.start();
      world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(1));
      world.runtime.advance(Duration.ofSeconds(30));
      assertTrue(health.isHealthy(), "a renewing leader is healthy: " + health.check());
      frozen.frozen = true;   // the elector's timers stop firing, as in a deadlock
      world.runtime.advance(Duration.ofSeconds(20));
      assertTrue(health.isHealthy(), "19 s without renewal is within 15 s + 5 s");
      world.runtime.advance(Duration.ofSeconds(2));
      assertFalse(health.isHealthy());
      assertTrue(health.check().orElseThrow().contains("failed election to renew leadership"));
      assertEquals("leaderElection", health.name());
    }

    @Test
    @DisplayName("Lock events are recorded: became leader, stopped leading")
    void events() {
      List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
      LeaderCallbacks quiet = new LeaderCallbacks() {
        @Override
        public void onStartedLeading(LeaderContext context) {
        }

        @Override
        public void onStoppedLeading() {
        }
      };
      var lock = world.store.lock(new ResourceLockConfig("e",
          (obj, type, reason, fmt, args) -> events.add(type + " " + reason + " " + String.format(fmt, args))));
      LeaderElector e = new LeaderElector(LeaderElectionConfig.builder().lock(lock).callbacks(quiet)
          .runtime(world.runtime).build());
      e.start();
      world.advanceUntil(e::isLeader, Duration.ofSeconds(1));
      var done = e.cancel();
      world.advanceUntil(done::isDone, Duration.ofSeconds(1));
      assertEquals(List.of("Normal LeaderElection e became leader", "Normal LeaderElection e stopped leading"), events);
    }
  }

  @Nested
  @DisplayName("pauses and identities")
  class PausesAndIdentities {

    @Test
    @DisplayName("The term's validity is computed: isLeading() turns false exactly at the last renewal's start + renewDeadline, with every timer frozen")
    void validityIsComputed() {
      FreezableRuntime frozen = new FreezableRuntime(world.runtime);
      Candidate a = world.candidate("a", b -> b.runtime(frozen));
      a.elector.start();
      assertTrue(world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(1)));
      world.runtime.advance(Duration.ofSeconds(5));   // renewals started at 2 s and 4 s
      LeaderContext term = a.terms.get(0);
      assertEquals(RENEW.minusSeconds(1), term.validFor(), "valid for renewDeadline after the renewal that began at 4 s");
      frozen.frozen = true;   // as a process under SIGSTOP: no timer of the elector runs any more
      world.runtime.advance(Duration.ofSeconds(9).minusNanos(1));
      assertTrue(term.isLeading());
      assertTrue(a.elector.isLeader());
      assertEquals(Duration.ofNanos(1), term.validFor());
      world.runtime.advance(Duration.ofNanos(1));
      assertFalse(term.isLeading(), "at 4 s + renewDeadline the term is over, whether or not a timer ran");
      assertFalse(a.elector.isLeader());
      assertEquals(Duration.ZERO, term.validFor());
      assertThrows(IllegalStateException.class, term::checkLeading);
      assertEquals(LeaderElector.State.LEADING, a.elector.state(), "no timer ran: the run itself has not noticed yet");
      assertEquals(4_000_000_000L + RENEW.toNanos(), term.deadlineNanos());
    }

    @Test
    @DisplayName("Woken past its deadline, a leader runs its overdue attempt after the deadline: it stops at once, calls no lock and releases nothing of another's")
    void overdueAttemptStops() throws Exception {
      FreezableRuntime pausable = new FreezableRuntime(world.runtime);
      Candidate a = world.candidate("a", b -> b.runtime(pausable).releaseOnCancel(true));
      Candidate b = world.candidate("b", x -> x.releaseOnCancel(true));
      a.elector.start();
      assertTrue(world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(1)));
      b.elector.start();
      world.runtime.advance(Duration.ofSeconds(3));
      pausable.pause();
      assertTrue(world.advanceUntil(b.elector::isLeader, Duration.ofSeconds(30)), "b never took over");
      LeaderElectionRecord taken = world.storedRecord();
      long updates = a.lock.calls(Call.UPDATE);
      long gets = a.lock.calls(Call.GET);
      pausable.resume();
      assertTrue(world.advanceUntil(() -> a.elector.state() == LeaderElector.State.STOPPED, Duration.ofSeconds(5)));
      assertEquals(updates, a.lock.calls(Call.UPDATE), "the woken leader wrote");
      assertEquals(gets + 1, a.lock.calls(Call.GET), "the woken leader's only call must be the release's own read");
      assertEquals(taken, world.storedRecord(), "the woken leader changed b's record");
      assertTrue(b.elector.isLeader());
      assertFalse(a.newLeaders.subList(1, a.newLeaders.size()).contains(""), "a reported a release: " + a.newLeaders);
    }

    @Test
    @DisplayName("Two live processes with one identity: the second never leads, and its run ends with IdentityConflictException")
    void duplicateIdentityFollower() {
      Candidate first = world.candidate("a");
      first.elector.start();
      assertTrue(world.advanceUntil(first.elector::isLeader, Duration.ofSeconds(1)));
      Candidate twin = world.candidate("a");
      CompletableFuture<Void> twinRun = twin.elector.start();
      assertTrue(world.advanceUntil(twinRun::isDone, LEASE.multipliedBy(2)), "the twin's run did not end");
      CompletableFuture<Void> failed = twinRun;
      IdentityConflictException e = assertThrows(IdentityConflictException.class, () -> {
        try {
          failed.join();
        } catch (java.util.concurrent.CompletionException ce) {
          throw ce.getCause();
        }
      });
      assertEquals("a", e.identity());
      assertTrue(e.getMessage().contains("distinct identity"), e.getMessage());
      assertEquals(0, twin.started(), "the twin led");
      assertTrue(first.elector.isLeader(), "the first process lost its term to the twin");
      assertEquals(1, first.started());
    }

    @Test
    @DisplayName("A leader that finds its record rewritten under its identity by another process stops without releasing, and its run fails")
    void duplicateIdentityLeader() throws Exception {
      Candidate a = world.candidate("a", b -> b.releaseOnCancel(true));
      CompletableFuture<Void> run = a.elector.start();
      assertTrue(world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(1)));
      world.runtime.advance(Duration.ofSeconds(3));
      ResourceLock twin = world.rawLock("a");
      LeaderElectionRecord current = twin.get().record();
      LeaderElectionRecord twinTerm = LeaderElectionRecord.of("a", 15, at(world.elapsed()), at(world.elapsed()),
          current.leaderTransitions() + 1);
      twin.update(twinTerm);
      assertTrue(world.advanceUntil(run::isDone, RETRY.multipliedBy(2)), "the leader did not notice at its next renewal");
      assertTrue(run.isCompletedExceptionally());
      assertEquals(twinTerm, world.storedRecord(), "the leader released or overwrote the other process's record");
      assertFalse(a.terms.get(0).isLeading());
    }

    @Test
    @DisplayName("A restart of the same identity after a crash takes over once the crashed run's lease expires")
    void restartAfterCrash() throws Exception {
      Candidate crashed = world.candidate("a");
      crashed.elector.start();
      assertTrue(world.advanceUntil(crashed.elector::isLeader, Duration.ofSeconds(1)));
      world.runtime.advance(Duration.ofSeconds(3));
      crashed.elector.cancel();   // no release: as a crash, the record still names a
      assertTrue(world.advanceUntil(() -> crashed.elector.state() == LeaderElector.State.STOPPED, Duration.ofSeconds(1)));
      int transitions = world.storedRecord().leaderTransitions();
      Duration crashAt = world.elapsed();
      Candidate restarted = world.candidate("a");
      CompletableFuture<Void> run = restarted.elector.start();
      assertTrue(world.advanceUntil(restarted.elector::isLeader, LEASE.plus(MAX_ACQUIRE_WAIT).plusSeconds(1)));
      Duration took = world.elapsed().minus(crashAt);
      assertTrue(took.compareTo(LEASE.minus(RETRY)) >= 0, "the restart took the crashed run's record after " + took);
      assertEquals(transitions + 1, world.storedRecord().leaderTransitions());
      assertFalse(run.isDone());
    }

    @Test
    @DisplayName("A twin that lost the create race to a process with its identity does not take that process's term for its own")
    void twinLosingTheCreateRace() {
      Candidate winner = world.candidate("a");
      // The loser's first read saw no record (it read just before the winner's create landed).
      SharedRecordStore.Lock staleFirstRead = world.rawLock("a");
      staleFirstRead.refuse(Call.GET, 1, new RecordNotFoundException(SharedRecordStore.DESCRIPTION, null));
      Candidate loser = world.new Candidate("a", staleFirstRead);
      loser.elector = new LeaderElector(LeaderElectionConfig.builder().lock(loser.lock).callbacks(loser)
          .runtime(world.runtime).name("loser").build());
      world.candidates.add(loser);
      winner.elector.start();
      CompletableFuture<Void> loserRun = loser.elector.start();
      assertTrue(world.advanceUntil(winner.elector::isLeader, Duration.ofSeconds(1)));
      assertFalse(world.advanceUntil(() -> loser.elector.isLeader(), Duration.ofSeconds(10)),
          "the twin that lost the race leads beside the winner");
      assertEquals(0, loser.started());
      assertTrue(winner.elector.isLeader());
      assertTrue(loserRun.isCompletedExceptionally(), "the twin's run should end with an identity conflict");
    }

    /** Candidate "b" on a watching lock, started 100 ms after {@code leader}, which leads. */
    private Candidate followerOn(SharedRecordStore.WatchingLock lock, Candidate leader) {
      Candidate b = world.new Candidate("b", lock);
      b.elector = new LeaderElector(LeaderElectionConfig.builder().lock(b.lock).callbacks(b).runtime(world.runtime)
          .name("b").build());
      world.candidates.add(b);
      leader.elector.start();
      world.runtime.advance(Duration.ofMillis(100));
      b.elector.start();
      return b;
    }

    @Test
    @DisplayName("A refused watch (a Role without the watch verb) is tried once per run, not at every attempt, and never by a leader")
    void refusedWatchTriedOnce() {
      SharedRecordStore.WatchingLock watchRefused = world.store.watchingLock("b");
      watchRefused.refuse(Call.WATCH, Integer.MAX_VALUE,
          new LockException(watchRefused.describe(), "forbidden: watch (HTTP 403)", null));
      Candidate a = world.candidate("a");
      Candidate b = followerOn(watchRefused, a);
      world.runtime.advance(Duration.ofSeconds(60));
      assertEquals(1, b.lock.calls(Call.WATCH), "watch() tries in 60 s of following");
      a.elector.stepDown();
      assertTrue(world.advanceUntil(b.elector::isLeader, Duration.ofSeconds(10)));
      world.runtime.advance(Duration.ofSeconds(30));
      assertEquals(1, b.lock.calls(Call.WATCH), "a leader tried to watch");
    }

    @Test
    @DisplayName("A follower's watch is closed when it becomes leader (a leader never acts on one), and a new run opens a new one")
    void leaderClosesItsWatch() {
      SharedRecordStore.WatchingLock watching = world.store.watchingLock("b");
      Candidate a = world.candidate("a");
      Candidate b = followerOn(watching, a);
      world.runtime.advance(Duration.ofSeconds(5));
      assertEquals(1, world.store.openWatches(), "the follower should watch");
      a.elector.stepDown();
      assertTrue(world.advanceUntil(b.elector::isLeader, Duration.ofSeconds(10)));
      assertEquals(0, world.store.openWatches(), "the new leader kept its follower's watch open");
      b.elector.stepDown();
      a.elector.start();
      assertTrue(world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(10)));
      b.elector.start();
      world.runtime.advance(Duration.ofSeconds(5));
      assertEquals(1, world.store.openWatches(), "the follower's new run should watch again");
      assertEquals(2, b.lock.calls(Call.WATCH));
    }

    @Test
    @DisplayName("A renewal handed to a lock thread just before a pause writes nothing once the term's deadline passed")
    void noRenewalAfterTheDeadline() throws Exception {
      FreezableRuntime pausable = new FreezableRuntime(world.runtime);
      Candidate a = world.candidate("a", x -> x.runtime(pausable));
      Candidate b = world.candidate("b");
      a.elector.start();
      assertTrue(world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(1)));
      b.elector.start();
      world.runtime.advance(Duration.ofSeconds(5));             // renewals at 2 s and 4 s
      pausable.pauseAtNextLockCall();                           // the renewal of 6 s is handed off, then frozen
      assertTrue(world.advanceUntil(pausable::isPaused, Duration.ofSeconds(3)));
      long deadline = a.terms.get(0).deadlineNanos();           // 14 s
      world.runtime.advance(Duration.ofNanos(deadline - world.runtime.nanoTime()).plusMillis(500));
      assertFalse(a.terms.get(0).isLeading());
      pausable.resume();
      world.runtime.advance(Duration.ofMillis(1));
      LeaderElectionRecord stored = world.storedRecord();
      assertTrue(stored.renewTime().isBefore(VirtualTime.EPOCH.plusNanos(deadline)),
          "a renewed its term after the term's deadline: " + stored);
      assertTrue(world.advanceUntil(b.elector::isLeader, LEASE.plus(MAX_ACQUIRE_WAIT).plusSeconds(1)));
      // A renewal written at the wake (14.5 s) would have kept b waiting until 29.5 s at least.
      assertTrue(world.elapsed().compareTo(Duration.ofNanos(deadline).plus(LEASE)) < 0,
          "b took over at " + world.elapsed() + ", a lease after a late renewal");
    }

    @Test
    @DisplayName("A new run writes nothing without reading while the last call of the previous run has returned but its answer is not handled yet")
    void newRunWaitsForThePreviousRunsAnswer() throws Exception {
      FreezableRuntime held = new FreezableRuntime(world.runtime);
      Candidate a = world.candidate("a", x -> x.runtime(held));
      CompletableFuture<Void> first = a.elector.start();
      assertTrue(world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(1)));
      world.runtime.advance(Duration.ofSeconds(3));             // renewed at 2 s, trusted: the fast path is allowed
      // A record of another holder appears (a candidate with a skewed clock, a hand-written record).
      ResourceLock other = world.rawLock("b");
      LeaderElectionRecord mine = other.get().record();
      other.update(LeaderElectionRecord.of("b", 15, at(world.elapsed()), at(world.elapsed()),
          mine.leaderTransitions() + 1));
      // The renewal of 4 s: its update conflicts, its get reads b's record (the lock's version is now
      // b's), and the call returns; its answer is not handed over yet.
      held.holdNextAnswer();
      assertTrue(world.advanceUntil(held::holdsAnswer, RETRY.multipliedBy(2)));
      a.elector.cancel();
      assertTrue(world.advanceUntil(first::isDone, Duration.ofSeconds(1)), "the run did not end");
      CompletableFuture<Void> second = a.elector.start();
      world.runtime.advance(RETRY.multipliedBy(3));
      assertEquals("b", world.storedHolder(), "the new run wrote over b's record with the version the dropped call read");
      held.releaseAnswer();
      world.runtime.advance(RETRY.multipliedBy(3));
      assertEquals("b", world.storedHolder(), "the new run wrote over b's record once the old answer came");
      assertFalse(a.elector.isLeader());
      assertFalse(second.isDone());
    }

    @Test
    @DisplayName("The margin next to foreign electors: warned about when leaseDuration - renewDeadline (- 1 s when polling) is below retryPeriod")
    void foreignMargin() {
      Candidate a = world.candidate("a");
      LeaderElectionConfig defaults = a.elector.config();
      assertEquals(Duration.ofSeconds(4), LeaderElector.foreignMargin(defaults, false));
      assertEquals(Duration.ofSeconds(5), LeaderElector.foreignMargin(defaults, true));
      LeaderElectionConfig tight = LeaderElectionConfig.builder().lock(a.lock).callbacks(a)
          .leaseDuration(Duration.ofSeconds(2)).renewDeadline(Duration.ofSeconds(1)).retryPeriod(Duration.ofMillis(200))
          .runtime(world.runtime).build();
      assertEquals(Duration.ZERO, LeaderElector.foreignMargin(tight, false));
      assertTrue(LeaderElector.foreignMargin(tight, false).compareTo(tight.retryPeriod()) < 0);
    }
  }

  @Nested
  @DisplayName("configuration")
  class Configuration {

    @Test
    @DisplayName("Every violated rule is reported in one message with property, value and rule")
    void allProblemsInOneMessage() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LeaderElectionConfig.builder()
          .leaseDuration(Duration.ofSeconds(5))
          .renewDeadline(Duration.ofSeconds(10))
          .retryPeriod(Duration.ofSeconds(9))
          .build());
      assertEquals("Invalid leader election configuration: "
          + "leaseDuration (5s) must be greater than renewDeadline (10s); "
          + "renewDeadline (10s) must be greater than 1.2 x retryPeriod (9s, so more than 10.8s); "
          + "lock (null) must be given; "
          + "callbacks (null) must be given, with onStartedLeading and onStoppedLeading", e.getMessage());
    }

    @Test
    @DisplayName("Non-positive durations, fractional lease seconds and an empty identity are rejected")
    void otherRules() {
      ResourceLock anonymous = world.rawLock("");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LeaderElectionConfig.builder()
          .lock(anonymous)
          .leaseDuration(Duration.ofMillis(15500))
          .retryPeriod(Duration.ZERO)
          .callbacks(world.candidate("x"))
          .build());
      assertEquals("Invalid leader election configuration: "
          + "retryPeriod (0s) must be positive; "
          + "lock identity (\"\") must not be empty: give each candidate a unique identity such as its pod name",
          e.getMessage());
      IllegalArgumentException fractional = assertThrows(IllegalArgumentException.class,
          () -> LeaderElectionConfig.builder().lock(world.rawLock("a")).callbacks(world.candidate("y"))
              .leaseDuration(Duration.ofMillis(15500)).build());
      assertTrue(fractional.getMessage().contains("leaseDuration (15.5s) must be a whole number of seconds"),
          fractional.getMessage());
    }

    @Test
    @DisplayName("leaseDuration must exceed renewDeadline by at least 1 s, because record times have whole seconds")
    void leaseMargin() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> LeaderElectionConfig.builder().lock(world.rawLock("a")).callbacks(world.candidate("y"))
              .leaseDuration(Duration.ofSeconds(2)).renewDeadline(Duration.ofMillis(1500))
              .retryPeriod(Duration.ofMillis(200)).build());
      assertEquals("Invalid leader election configuration: leaseDuration (2s) must exceed renewDeadline (1.5s) "
          + "by at least 1 s, because the record stores times in whole seconds: renewals within one second look "
          + "alike, so a polling follower may date the last one up to 1 s early", e.getMessage());
      LeaderElectionConfig.builder().lock(world.rawLock("a")).callbacks(world.candidate("z"))
          .leaseDuration(Duration.ofSeconds(2)).renewDeadline(Duration.ofSeconds(1))
          .retryPeriod(Duration.ofMillis(200)).build();
    }

    @Test
    @DisplayName("Defaults are client-go's: 15 s, 10 s, 2 s; the name defaults to the lock's description")
    void defaults() {
      ResourceLock lock = world.rawLock("a");
      LeaderElectionConfig c = LeaderElectionConfig.builder().lock(lock).callbacks(world.candidate("z")).build();
      assertEquals(Duration.ofSeconds(15), c.leaseDuration());
      assertEquals(Duration.ofSeconds(10), c.renewDeadline());
      assertEquals(Duration.ofSeconds(2), c.retryPeriod());
      assertEquals(lock.describe(), c.name());
      assertFalse(c.releaseOnCancel());
      assertNotNull(c.runtime());
    }
  }

  @Nested
  @DisplayName("the state chart")
  class StateChart {

    @Test
    @DisplayName("A run moves only along the chart: NEW to ACQUIRING, ACQUIRING to LEADING or STOPPING, LEADING to STOPPING, STOPPING to STOPPED; every other move throws IllegalStateException")
    void onlyTheChartsMoves() {
      Set<List<LeaderElector.State>> chart = Set.of(
          List.of(LeaderElector.State.NEW, LeaderElector.State.ACQUIRING),
          List.of(LeaderElector.State.ACQUIRING, LeaderElector.State.LEADING),
          List.of(LeaderElector.State.ACQUIRING, LeaderElector.State.STOPPING),
          List.of(LeaderElector.State.LEADING, LeaderElector.State.STOPPING),
          List.of(LeaderElector.State.STOPPING, LeaderElector.State.STOPPED));
      for (LeaderElector.State from : LeaderElector.State.values()) {
        for (LeaderElector.State to : LeaderElector.State.values()) {
          if (chart.contains(List.of(from, to))) {
            LeaderElector.checkMove(from, to);
          } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> LeaderElector.checkMove(from, to),
                from + " to " + to + " is not in the chart");
            assertTrue(e.getMessage().contains("from " + from + " to " + to), e.getMessage());
          }
        }
      }
    }

    @Test
    @DisplayName("A leader's run passes NEW, ACQUIRING, LEADING, STOPPING, STOPPED; a follower's skips LEADING; a new run starts at ACQUIRING again")
    void runsFollowTheChart() {
      List<LeaderElector.State> leaderStates = new ArrayList<>();
      List<LeaderElector.State> followerStates = new ArrayList<>();
      LeaderElector a = observedElector("a", leaderStates);
      LeaderElector b = observedElector("b", followerStates);
      java.util.function.BooleanSupplier note = () -> {
        noteChange(leaderStates, a.state());
        noteChange(followerStates, b.state());
        return false;
      };
      note.getAsBoolean();
      a.start();
      note.getAsBoolean();
      world.advanceUntil(note, Duration.ofSeconds(1));
      b.start();
      note.getAsBoolean();
      world.advanceUntil(note, Duration.ofSeconds(5));
      a.cancel();
      b.cancel();
      world.advanceUntil(note, Duration.ofSeconds(5));
      assertEquals(List.of(LeaderElector.State.NEW, LeaderElector.State.ACQUIRING, LeaderElector.State.LEADING,
          LeaderElector.State.STOPPING, LeaderElector.State.STOPPED), leaderStates);
      assertEquals(List.of(LeaderElector.State.NEW, LeaderElector.State.ACQUIRING, LeaderElector.State.STOPPING,
          LeaderElector.State.STOPPED), followerStates);
      a.start();
      assertEquals(LeaderElector.State.ACQUIRING, a.state());
      assertTrue(world.advanceUntil(a::isLeader, Duration.ofSeconds(1)));
    }

    /** An elector whose callbacks note the state they run in (the stop runs while STOPPING). */
    private LeaderElector observedElector(String identity, List<LeaderElector.State> states) {
      LeaderElector[] elector = new LeaderElector[1];
      elector[0] = new LeaderElector(LeaderElectionConfig.builder().lock(world.rawLock(identity)).runtime(world.runtime)
          .callbacks(new LeaderCallbacks() {
            @Override
            public void onStartedLeading(LeaderContext context) {
              noteChange(states, elector[0].state());
            }

            @Override
            public void onStoppedLeading() {
              noteChange(states, elector[0].state());
            }
          }).build());
      return elector[0];
    }

    private void noteChange(List<LeaderElector.State> states, LeaderElector.State now) {
      if (states.isEmpty() || states.get(states.size() - 1) != now) {
        states.add(now);
      }
    }
  }
}
