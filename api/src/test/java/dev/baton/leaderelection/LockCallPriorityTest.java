package dev.baton.leaderelection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.ElectionRuntime.LockCallPriority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
  @DisplayName("With every lock-call thread busy, queued leaders' calls run before queued followers' calls, each kind in arrival order")
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
      for (String name : List.of("follower-1", "leader-1", "follower-2", "leader-2", "follower-3")) {
        LockCallPriority priority = name.startsWith("leader") ? LockCallPriority.LEADER : LockCallPriority.FOLLOWER;
        calls.add(runtime.callLock(() -> ran.add(name), Duration.ofSeconds(20), priority));
      }
      // The two-argument form is a follower's call.
      calls.add(runtime.callLock(() -> ran.add("follower-4"), Duration.ofSeconds(20)));
      // One thread frees: it takes the queued calls one after the other, in the queue's order.
      releaseOne.countDown();
      CompletableFuture.allOf(calls.subList(SystemElectionRuntime.LOCK_CALL_THREADS, calls.size())
          .toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
      releaseRest.countDown();
      assertEquals(List.of("leader-1", "leader-2", "follower-1", "follower-2", "follower-3", "follower-4"), ran);
    }
  }

  @Test
  @DisplayName("Followers' calls never take the last two lock-call threads: with six followers blocked and more queued, a leader's call runs at once")
  void followersLeaveThreadsToLeaders() throws Exception {
    try (SystemElectionRuntime runtime = SystemElectionRuntime.createOwned("baton-gate-test-", Duration.ofSeconds(5))) {
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger started = new AtomicInteger();
      List<CompletableFuture<?>> calls = new ArrayList<>();
      for (int i = 0; i < SystemElectionRuntime.LOCK_CALL_THREADS + 4; i++) {
        calls.add(runtime.callLock(() -> {
          started.incrementAndGet();
          return release.await(10, TimeUnit.SECONDS);
        }, Duration.ofSeconds(20), LockCallPriority.FOLLOWER));
      }
      int followerThreads = SystemElectionRuntime.LOCK_CALL_THREADS - SystemElectionRuntime.THREADS_KEPT_FOR_LEADERS;
      assertTrue(eventually(() -> started.get() == followerThreads, Duration.ofSeconds(10)),
          "expected " + followerThreads + " followers' calls to start, saw " + started.get());
      String answer = runtime.callLock(() -> "renewed", Duration.ofSeconds(5), LockCallPriority.LEADER)
          .get(5, TimeUnit.SECONDS);
      assertEquals("renewed", answer);
      assertEquals(followerThreads, started.get(), "a follower's call took a thread kept for leaders");
      release.countDown();
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
      assertEquals(SystemElectionRuntime.LOCK_CALL_THREADS + 4, started.get(), "queued followers' calls ran later");
    }
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
