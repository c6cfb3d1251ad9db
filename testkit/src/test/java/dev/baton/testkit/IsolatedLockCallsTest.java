package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The kit's per-test lock-call pools: calls that hung in one test neither starve a later test's
 * calls nor outlive the test's {@code close()}.
 */
class IsolatedLockCallsTest {

  /** As many hung calls as one pool has threads: four times the system runtime's lock-call pool (8). */
  private static final int HUNG_CALLS = 32;

  @Test
  @DisplayName("Calls hung in one test's pool do not delay a later test's call, and closing the pool interrupts them")
  void hungCallsStayInTheirTest() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(HUNG_CALLS);
    IsolatedLockCalls.Isolated first = IsolatedLockCalls.isolate(TimeDriver.realTime());
    List<CompletableFuture<Object>> hung = new ArrayList<>();
    try {
      for (int i = 0; i < HUNG_CALLS; i++) {
        hung.add(first.time().runtime().callLock(() -> {
          try {
            return never.await(1, TimeUnit.HOURS);
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
          }
        }, Duration.ofMillis(50)));
      }
      // The runtime gives up on each at its timeout, but the calls themselves still hold the threads.
      CompletableFuture.allOf(hung.stream().map(f -> f.handle((v, e) -> e)).toArray(CompletableFuture[]::new))
          .get(10, TimeUnit.SECONDS);
      assertTrue(hung.stream().allMatch(CompletableFuture::isCompletedExceptionally), "the calls were not timed out");

      IsolatedLockCalls.Isolated later = IsolatedLockCalls.isolate(TimeDriver.realTime());
      try {
        long start = System.nanoTime();
        String answer = later.time().runtime().callLock(() -> "answered", Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals("answered", answer);
        assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "a later test's call waited " + took
            + " behind the hung calls of an earlier one");
      } finally {
        later.pool().orElseThrow().close();
      }
      assertEquals(HUNG_CALLS, interrupted.getCount(), "a hung call ended before its pool was closed");
    } finally {
      first.pool().orElseThrow(() -> new AssertionError("real time must get a pool of its own")).close();
    }
    assertTrue(interrupted.await(10, TimeUnit.SECONDS), "closing the pool left " + interrupted.getCount()
        + " hung calls running");
    assertFalse(never.getCount() == 0, "the calls ended for another reason");
  }
}
