package dev.baton.leaderelection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.ElectionRuntime.LockCallPriority;
import dev.baton.leaderelection.ElectionScenario.Candidate;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Lock-call priority in Baton's pool")
class LockCallPriorityTest {

  @Test
  @DisplayName("With every lock-call thread busy, queued handovers run first, then leaders' renewals, then followers' calls, each kind in arrival order")
  void leadersFirst() throws Exception {
    try (SystemElectionRuntime runtime = SystemElectionRuntime.createOwned("baton-priority-test-", Duration.ofSeconds(5))) {
      CountDownLatch releaseOne = new CountDownLatch(1);
      CountDownLatch releaseRest = new CountDownLatch(1);
      CountDownLatch allBusy = new CountDownLatch(SystemElectionRuntime.LOCK_CALL_THREADS);
      List<CompletableFuture<?>> calls = new ArrayList<>();
      for (int i = 0; i < SystemElectionRuntime.LOCK_CALL_THREADS; i++) {
        CountDownLatch release = i == 0 ? releaseOne : releaseRest;
        // Leaders' calls: followers' could not take every thread (see followersLeaveThreadsToLeaders).
        calls.add(runtime.callLock(() -> {
          allBusy.countDown();
          return release.await(10, TimeUnit.SECONDS);
        }, Duration.ofSeconds(20), LockCallPriority.LEADER));
      }
      assertTrue(allBusy.await(10, TimeUnit.SECONDS), "the pool's threads did not all start");
      List<String> ran = new CopyOnWriteArrayList<>();
      for (String name : List.of("follower-1", "leader-1", "handover-1", "follower-2", "leader-2", "handover-2",
          "follower-3")) {
        LockCallPriority priority = name.startsWith("leader") ? LockCallPriority.LEADER
            : name.startsWith("handover") ? LockCallPriority.HANDOVER
            : LockCallPriority.FOLLOWER;
        calls.add(runtime.callLock(() -> ran.add(name), Duration.ofSeconds(20), priority));
      }
      // The two-argument form is a follower's call.
      calls.add(runtime.callLock(() -> ran.add("follower-4"), Duration.ofSeconds(20)));
      // One thread frees: it takes the queued calls one after the other, in the queue's order.
      releaseOne.countDown();
      CompletableFuture.allOf(calls.subList(SystemElectionRuntime.LOCK_CALL_THREADS, calls.size())
          .toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
      releaseRest.countDown();
      assertEquals(List.of("handover-1", "handover-2", "leader-1", "leader-2", "follower-1", "follower-2", "follower-3",
          "follower-4"), ran);
    }
  }

  @Test
  @DisplayName("Followers' calls and handovers never take the last two lock-call threads: with six followers blocked and more queued, a renewal runs at once; handovers wait at the gate ahead of followers")
  void followersLeaveThreadsToLeaders() throws Exception {
    try (SystemElectionRuntime runtime = SystemElectionRuntime.createOwned("baton-gate-test-", Duration.ofSeconds(5))) {
      CountDownLatch releaseFirst = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger started = new AtomicInteger();
      List<CompletableFuture<?>> calls = new ArrayList<>();
      for (int i = 0; i < SystemElectionRuntime.LOCK_CALL_THREADS + 4; i++) {
        CountDownLatch until = i == 0 ? releaseFirst : release;
        calls.add(runtime.callLock(() -> {
          started.incrementAndGet();
          return until.await(10, TimeUnit.SECONDS);
        }, Duration.ofSeconds(20), LockCallPriority.FOLLOWER));
      }
      int followerThreads = SystemElectionRuntime.LOCK_CALL_THREADS - SystemElectionRuntime.THREADS_KEPT_FOR_LEADERS;
      assertTrue(eventually(() -> started.get() == followerThreads, Duration.ofSeconds(10)),
          "expected " + followerThreads + " followers' calls to start, saw " + started.get());
      // A handover waits at the gate too, behind nothing but other handovers.
      List<String> order = new CopyOnWriteArrayList<>();
      calls.add(runtime.callLock(() -> order.add("handover at " + started.get()), Duration.ofSeconds(20),
          LockCallPriority.HANDOVER));
      String answer = runtime.callLock(() -> "renewed", Duration.ofSeconds(5), LockCallPriority.LEADER)
          .get(5, TimeUnit.SECONDS);
      assertEquals("renewed", answer);
      assertEquals(followerThreads, started.get(), "a follower's call took a thread kept for leaders");
      assertEquals(List.of(), order, "a handover took a thread kept for leaders' renewals");
      // The first follower's call returns: its place at the gate goes to the handover, not to the
      // followers that came before it (they would block, and the handover would never run).
      releaseFirst.countDown();
      assertTrue(eventually(() -> !order.isEmpty(), Duration.ofSeconds(5)),
          "the handover did not get the place a follower freed");
      assertEquals(List.of("handover at " + followerThreads), order);
      release.countDown();
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
      assertEquals(SystemElectionRuntime.LOCK_CALL_THREADS + 4, started.get(), "queued followers' calls ran later");
    }
  }

  /** The scenario's runtime, noting the priority of every lock call an elector hands it. */
  static final class PriorityRecordingRuntime extends ForwardingElectionRuntime {
    final List<LockCallPriority> priorities = new CopyOnWriteArrayList<>();

    PriorityRecordingRuntime(ElectionRuntime delegate) {
      super(delegate);
    }

    @Override
    public <T> CompletableFuture<T> callLock(Callable<T> call, Duration timeout, LockCallPriority priority) {
      priorities.add(priority);
      return super.callLock(call, timeout, priority);
    }

    LockCallPriority last() {
      return priorities.get(priorities.size() - 1);
    }
  }

  @Test
  @DisplayName("A watching follower's attempts run at follower priority while the lock is held, and as a handover once it saw the leader release, as the release did")
  void takeoverOfReleasedLockRunsWithLeaders() throws Exception {
    ElectionScenario world = new ElectionScenario();
    Candidate a = world.candidate("a");
    PriorityRecordingRuntime bCalls = new PriorityRecordingRuntime(world.runtime);
    Candidate b = world.new Candidate("b", world.store.watchingLock("b"));
    b.elector = new LeaderElector(LeaderElectionConfig.builder().lock(b.lock).callbacks(b).runtime(bCalls)
        .name(ElectionScenario.NAME).build());
    world.candidates.add(b);
    a.elector.start();
    world.runtime.advance(Duration.ofMillis(10));
    b.elector.start();
    world.runtime.advance(Duration.ofSeconds(9));
    assertTrue(a.elector.isLeader());
    assertEquals(1, world.store.openWatches(), "b should watch");
    assertEquals(List.of(LockCallPriority.FOLLOWER), bCalls.priorities.stream().distinct().toList(),
        "a follower's attempts on a held lock must wait behind leaders' calls");
    int before = bCalls.priorities.size();

    a.elector.stepDown();
    assertTrue(world.advanceUntil(b.elector::isLeader, Duration.ofSeconds(1)));
    assertEquals(List.of(LockCallPriority.HANDOVER), bCalls.priorities.subList(before, bCalls.priorities.size()),
        "the attempt the release notification started should run as a handover");
    world.runtime.advance(Duration.ofSeconds(3));
    assertEquals(LockCallPriority.LEADER, bCalls.last(), "a renewal");
    b.elector.stepDown();
    world.runtime.advance(Duration.ofMillis(10));
    assertEquals(LockCallPriority.HANDOVER, bCalls.last(), "the release");
    assertEquals(List.of(), world.violations);
  }

  @Test
  @DisplayName("A follower that saw the lease expire (its leader gone silent) attempts as a handover; before its first look it is a follower")
  void takeoverOfExpiredLeaseRunsWithLeaders() throws Exception {
    ElectionScenario world = new ElectionScenario();
    PriorityRecordingRuntime bCalls = new PriorityRecordingRuntime(world.runtime);
    // A record held by a candidate that is gone: written once, never renewed.
    world.rawLock("gone").create(LeaderElectionRecord.of("gone", 15, world.runtime.now(), world.runtime.now(), 0));
    Candidate b = world.candidate("b", x -> x.runtime(bCalls));
    b.elector.start();
    world.runtime.advance(Duration.ofMillis(10));
    assertEquals(List.of(LockCallPriority.FOLLOWER), bCalls.priorities, "the first look at a lock never seen");
    assertTrue(world.advanceUntil(b.elector::isLeader, Duration.ofSeconds(30)));
    int attempts = bCalls.priorities.size();
    assertTrue(attempts >= 3, "b made " + attempts + " attempts");
    // Every attempt while "gone"'s lease was valid in b's eyes waited as a follower's; the one that
    // took over, after the lease b saw had run out, ran as a handover.
    assertEquals(LockCallPriority.HANDOVER, bCalls.priorities.get(attempts - 1));
    assertEquals(List.of(LockCallPriority.FOLLOWER),
        bCalls.priorities.subList(0, attempts - 1).stream().distinct().toList());
  }

  private static boolean eventually(java.util.function.BooleanSupplier condition, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }
}
