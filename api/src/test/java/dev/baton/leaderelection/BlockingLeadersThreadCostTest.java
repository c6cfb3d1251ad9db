package dev.baton.leaderelection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The thread cost that {@link ElectionRuntime}'s Javadoc states: N leaders blocking in
 * onStartedLeading for their whole term cost at most max(4, N + 1) callback threads, and
 * 2 + 8 + max(4, N + 1) threads in all; and none of them waits for a thread another one holds.
 */
@DisplayName("Blocking leaders: what N of them cost in threads")
class BlockingLeadersThreadCostTest {

  private static final int LEADERS = 50;
  private static final Duration WITHIN = Duration.ofSeconds(60);

  @Test
  @DisplayName("50 leaders blocking in onStartedLeading all start their work, on at most max(4, N + 1) callback threads and 2 + 8 + max(4, N + 1) threads in all; the pool shrinks back to 4 once they stopped")
  void blockingLeadersCostOneThreadEachPlusOne() throws Exception {
    String prefix = "baton-cost-test-";
    SystemElectionRuntime runtime = SystemElectionRuntime.createOwned(prefix, Duration.ofSeconds(30));
    CountDownLatch termsOver = new CountDownLatch(1);
    CountDownLatch working = new CountDownLatch(LEADERS);
    AtomicInteger newLeaderCalls = new AtomicInteger();
    List<LeaderElector> electors = new ArrayList<>();
    List<CompletableFuture<Void>> runs = new ArrayList<>();
    try {
      for (int i = 0; i < LEADERS; i++) {
        // One election (a store of its own) each, so that every candidate leads and blocks for its whole term.
        electors.add(new LeaderElector(LeaderElectionConfig.builder()
            .lock(new SharedRecordStore().lock("candidate-" + i))
            .runtime(runtime)
            .callbacks(new LeaderCallbacks() {
              @Override
              public void onStartedLeading(LeaderContext context) {
                working.countDown();
                try {
                  termsOver.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }

              @Override
              public void onStoppedLeading() {
              }

              @Override
              public void onNewLeader(String identity) {
                newLeaderCalls.incrementAndGet();
              }
            })
            .build()));
      }
      electors.forEach(e -> runs.add(e.start()));

      assertTrue(working.await(WITHIN.toSeconds(), TimeUnit.SECONDS),
          (LEADERS - working.getCount()) + " of " + LEADERS + " leaders started their work within " + WITHIN);
      BatonThreads.await(WITHIN, () -> newLeaderCalls.get() == LEADERS,
          () -> newLeaderCalls.get() + " of " + LEADERS + " onNewLeader calls ran while the leaders blocked");
      assertTrue(electors.stream().allMatch(LeaderElector::isLeader), "every candidate leads its own election");
      // Quick callbacks arriving while every leader blocks: they need the one thread beyond N.
      CountDownLatch quick = new CountDownLatch(20);
      for (int i = 0; i < 20; i++) {
        runtime.callbackExecutor().execute(quick::countDown);
      }
      assertTrue(quick.await(WITHIN.toSeconds(), TimeUnit.SECONDS),
          (20 - quick.getCount()) + " of 20 quick callbacks ran while " + LEADERS + " leaders blocked");

      int callbackBound = Math.max(ElasticCallbackExecutor.CORE_THREADS, LEADERS + 1);
      int created = highestNumber(prefix + "callback-");
      assertTrue(created >= LEADERS && created <= callbackBound,
          created + " callback threads created for " + LEADERS + " blocking leaders; stated: at least one each, at most "
              + callbackBound);
      assertTrue(runtime.callbackThreadLimit() <= callbackBound, "callback pool limit " + runtime.callbackThreadLimit());
      int all = highestNumber(prefix + "timer-") + highestNumber(prefix + "lock-call-") + created;
      int allBound = SystemElectionRuntime.TIMER_THREADS + SystemElectionRuntime.LOCK_CALL_THREADS + callbackBound;
      assertTrue(all <= allBound, all + " threads created by the runtime; stated at most " + allBound);
      assertEquals(all, BatonThreads.named(prefix).size(), "the runtime's threads (none idle long enough to end)");
    } finally {
      termsOver.countDown();
      electors.forEach(LeaderElector::cancel);
    }
    CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(WITHIN.toSeconds(), TimeUnit.SECONDS);
    BatonThreads.await(WITHIN, () -> runtime.callbackThreadLimit() == ElasticCallbackExecutor.CORE_THREADS,
        () -> "the callback pool still allows " + runtime.callbackThreadLimit() + " threads after the leaders stopped");
    runtime.close();
    BatonThreads.awaitGone(prefix, WITHIN);
  }

  /** Threads are numbered from 1 as they are created: the highest number is how many were. */
  private static int highestNumber(String prefix) {
    return BatonThreads.named(prefix).stream()
        .mapToInt(t -> Integer.parseInt(t.getName().substring(prefix.length())))
        .max().orElse(0);
  }
}
