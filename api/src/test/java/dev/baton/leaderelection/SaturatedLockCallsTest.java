package dev.baton.leaderelection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.ElectionScenario.Candidate;
import dev.baton.leaderelection.SharedRecordStore.Call;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Lock calls behind a saturated lock-call pool (many electors sharing it past the store's ceiling):
 * a call that waited in the queue until its answer was given up must not run afterwards.
 */
@DisplayName("Lock calls behind a saturated pool")
class SaturatedLockCallsTest {

  /** The scenario's virtual runtime with a lock-call pool whose calls wait in a queue until the test runs them. */
  static final class QueueingRuntime extends ForwardingElectionRuntime {
    final List<Runnable> queued = new ArrayList<>();
    boolean saturated = true;

    QueueingRuntime(ElectionRuntime delegate) {
      super(delegate);
    }

    @Override
    public <T> CompletableFuture<T> callLock(Callable<T> call, Duration timeout, LockCallPriority priority) {
      if (!saturated) {
        return super.callLock(call, timeout, priority);
      }
      CompletableFuture<T> answer = new CompletableFuture<>();
      queued.add(() -> {
        try {
          answer.complete(call.call());
        } catch (Exception e) {
          answer.completeExceptionally(e);
        }
      });
      schedule(timeout, () -> answer.completeExceptionally(new TimeoutException("queued past " + timeout)));
      return answer;
    }

    /** The pool catches up: every queued call gets a thread, in order. */
    void drain() {
      saturated = false;
      List<Runnable> due = new ArrayList<>(queued);
      queued.clear();
      due.forEach(Runnable::run);
    }
  }

  private final ElectionScenario world = new ElectionScenario();

  @Test
  @DisplayName("An attempt given up while queued never reaches the lock, and the elector's next attempt runs and leads")
  void givenUpCallsDoNotRun() throws Exception {
    QueueingRuntime pool = new QueueingRuntime(world.runtime);
    Candidate a = world.candidate("a", b -> b.runtime(pool));
    a.elector.start();
    // The first attempt waits in the queue past its deadline (renewDeadline for a follower).
    world.runtime.advance(Duration.ofSeconds(10).plusMillis(1));
    assertEquals(1, pool.queued.size(), "the first attempt should be queued, and no second one yet");

    pool.drain();
    assertEquals(0, a.lock.calls(Call.GET) + a.lock.calls(Call.CREATE) + a.lock.calls(Call.UPDATE),
        "a call whose answer was already given up ran when the pool caught up");
    assertTrue(world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(5)),
        "after a given-up call the elector must attempt again (its lock-call slot freed) and lead");
    assertEquals(1, a.lock.calls(Call.CREATE));
  }

  @Test
  @DisplayName("A leader's renewal given up while queued ends its term at the deadline; the stale renewal never writes later")
  void givenUpRenewalDoesNotWriteLater() throws Exception {
    QueueingRuntime pool = new QueueingRuntime(world.runtime);
    pool.saturated = false;
    Candidate a = world.candidate("a", b -> b.runtime(pool));
    a.elector.start();
    assertTrue(world.advanceUntil(a.elector::isLeader, Duration.ofSeconds(1)));
    long updates = a.lock.calls(Call.UPDATE);
    pool.saturated = true;
    assertTrue(world.advanceUntil(() -> a.stopped() == 1, Duration.ofSeconds(30)), "the leader never stepped down");
    assertTrue(!pool.queued.isEmpty(), "no renewal was queued");
    pool.drain();
    assertEquals(updates, a.lock.calls(Call.UPDATE),
        "renewals queued past the term's deadline wrote after the term had ended");
    assertEquals(List.of(), world.violations);
  }

  @Test
  @DisplayName("A term begins when its attempt ran, not when it was queued: a first attempt that waited 9 s for a thread leads a full renewDeadline")
  void termTimedFromTheAttemptsRun() throws Exception {
    QueueingRuntime pool = new QueueingRuntime(world.runtime);
    Candidate a = world.candidate("a", b -> b.runtime(pool));
    a.elector.start();
    world.runtime.advance(Duration.ofSeconds(9));
    assertEquals(1, pool.queued.size(), "the first attempt should still be queued");

    long ranAt = world.runtime.nanoTime();
    pool.drain();                       // it runs at 9 s and creates the record
    pool.saturated = true;              // and the pool is saturated again for its first renewal
    world.runtime.advance(Duration.ofMillis(1));
    assertTrue(a.elector.isLeader());
    assertEquals(ranAt + Duration.ofSeconds(10).toNanos(), a.terms.get(0).deadlineNanos(),
        "the term's deadline should be renewDeadline after the attempt ran");
    // The first renewal is due at once (retryPeriod after the attempt was handed in) and waits in
    // the queue: the term must not have ended at 10 s, renewDeadline after the attempt was queued.
    world.runtime.advance(Duration.ofMillis(3499));
    assertTrue(a.elector.isLeader(), "the term was timed from when its attempt was queued");
    assertEquals(1, pool.queued.size(), "the first renewal should be queued");
    pool.drain();
    world.runtime.advance(Duration.ofSeconds(10));
    assertTrue(a.elector.isLeader());
    assertEquals(0, a.stopped());
    assertEquals(List.of(), world.violations);
  }

  @Test
  @DisplayName("A renewal that waited long for a thread is followed half a retryPeriod after it ran; one that waited briefly keeps the cadence")
  void longWaitsSpreadTheNextRenewal() throws Exception {
    QueueingRuntime pool = new QueueingRuntime(world.runtime);
    Candidate a = leaderOnSaturatedPool(pool);
    long t0 = world.runtime.nanoTime();
    advanceTo(t0, 5_000);                       // the renewal handed in at 2 s waited 3 s
    assertEquals(1, pool.queued.size(), "the renewal of 2 s should be queued");
    drainAndSaturate(pool);                     // it runs at 5 s
    advanceTo(t0, 5_900);
    assertEquals(0, pool.queued.size(), "after a 3 s wait the next renewal came at once, not 1 s after the run");
    advanceTo(t0, 6_100);
    assertEquals(1, pool.queued.size(), "the next renewal should be handed in at 6 s, half a retryPeriod after the run");
    advanceTo(t0, 6_300);
    drainAndSaturate(pool);                     // handed in at 6 s, it ran at 6.3 s: a short wait
    advanceTo(t0, 7_900);
    assertEquals(0, pool.queued.size(), "after a short wait the next renewal should keep the cadence (8 s)");
    advanceTo(t0, 8_100);
    assertEquals(1, pool.queued.size(), "the renewal of 8 s");
    pool.drain();
    world.runtime.advance(Duration.ofSeconds(5));
    assertTrue(a.elector.isLeader());
    assertEquals(0, a.stopped());
  }

  @Test
  @DisplayName("A step-down while the leader's renewal waits for a thread releases the moment that renewal returns, not a retryPeriod later")
  void stepDownDuringQueuedRenewalReleasesAtOnce() throws Exception {
    QueueingRuntime pool = new QueueingRuntime(world.runtime);
    Candidate a = leaderOnSaturatedPool(pool);
    long t0 = world.runtime.nanoTime();
    advanceTo(t0, 2_100);
    assertEquals(1, pool.queued.size(), "the renewal of 2 s should be queued");
    a.elector.stepDown();
    advanceTo(t0, 2_500);
    assertEquals("a", world.storedHolder(), "released while its renewal was still queued");
    pool.drain();                                // the renewal runs and returns at 2.5 s
    world.runtime.advance(Duration.ofMillis(10));
    assertEquals("", world.storedHolder(), "the release waited after the renewal returned");
    assertEquals(List.of(), world.violations);
  }

  /** Candidate "a", leading on {@code pool}, which is saturated from now on (its next renewal queues). */
  private Candidate leaderOnSaturatedPool(QueueingRuntime pool) {
    pool.saturated = false;
    Candidate a = world.candidate("a", b -> b.runtime(pool));
    a.elector.start();
    assertTrue(world.advanceUntil(a.elector::isLeader, Duration.ofMillis(10)));
    pool.saturated = true;
    return a;
  }

  private void advanceTo(long originNanos, long millis) {
    world.runtime.advance(Duration.ofNanos(originNanos + millis * 1_000_000L - world.runtime.nanoTime()));
  }

  private void drainAndSaturate(QueueingRuntime pool) {
    pool.drain();
    pool.saturated = true;
    world.runtime.advance(Duration.ofMillis(1));
  }
}
