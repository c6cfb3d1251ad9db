package dev.baton.leaderelection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.lock.inmemory.InMemoryResourceLock;
import dev.baton.testkit.TimeDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The few things only real threads show: a slow leader's work delays the release, and many
 * electors share the system runtime's bounded threads. Bounded, condition-based waits only.
 */
class LeaderElectorRealTimeTest {
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration RENEW = Duration.ofSeconds(1);
  private static final Duration RETRY = Duration.ofMillis(100);

  private final TimeDriver time = TimeDriver.realTime();
  private final InMemoryLockStore store = new InMemoryLockStore();

  private LeaderElectionConfig.Builder config(String identity, String lockName, LeaderCallbacks callbacks) {
    return LeaderElectionConfig.builder()
        .lock(new InMemoryResourceLock(store, "default", lockName, ResourceLockConfig.of(identity)))
        .leaseDuration(LEASE)
        .renewDeadline(RENEW)
        .retryPeriod(RETRY)
        .callbacks(callbacks);
  }

  @Test
  @Timeout(30)
  @DisplayName("A graceful handover waits for the leader's slow work to return before another candidate starts")
  void releaseWaitsForWork() throws Exception {
    AtomicLong workEndedNanos = new AtomicLong();
    AtomicLong nextStartedNanos = new AtomicLong();
    AtomicLong stoppedAtNanos = new AtomicLong();
    LeaderElector first = new LeaderElector(config("first", "slow", new LeaderCallbacks() {
      @Override
      public void onStartedLeading(LeaderContext context) {
        try {
          context.awaitCancellation(Duration.ofSeconds(20));
          // Cleanup that takes a while after cancellation: the lock must stay ours meanwhile.
          long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
          time.awaitUntil(() -> System.nanoTime() - until >= 0, Duration.ofSeconds(2));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        workEndedNanos.set(System.nanoTime());
      }

      @Override
      public void onStoppedLeading() {
        stoppedAtNanos.set(System.nanoTime());
      }
    }).build());
    first.start();
    assertTrue(time.awaitUntil(first::isLeader, Duration.ofSeconds(5)).isPresent());

    LeaderElector second = new LeaderElector(config("second", "slow", new LeaderCallbacks() {
      @Override
      public void onStartedLeading(LeaderContext context) {
        nextStartedNanos.set(System.nanoTime());
      }

      @Override
      public void onStoppedLeading() {
      }
    }).build());
    second.start();
    time.pass(Duration.ofMillis(300));

    CompletableFuture<Void> stepped = first.stepDown();
    stepped.get(10, TimeUnit.SECONDS);
    // onStartedLeading runs on a callback thread after the state turns LEADING: wait for the callback itself.
    assertTrue(time.awaitUntil(() -> nextStartedNanos.get() != 0, Duration.ofSeconds(5)).isPresent(),
        "the second candidate never took over");
    assertTrue(workEndedNanos.get() > 0);
    assertTrue(stoppedAtNanos.get() >= workEndedNanos.get(), "onStoppedLeading ran before the work returned");
    assertTrue(nextStartedNanos.get() > stoppedAtNanos.get(), "the next leader started before the first had stopped");
    second.cancel().get(10, TimeUnit.SECONDS);
  }

  @Test
  @Timeout(60)
  @DisplayName("500 electors on 500 locks all lead on the shared runtime with at most 16 Baton threads")
  void manyElectorsFewThreads() throws Exception {
    int n = 500;
    AtomicInteger leading = new AtomicInteger();
    List<LeaderElector> electors = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      electors.add(new LeaderElector(config("candidate-" + i, "lock-" + i, new LeaderCallbacks() {
        @Override
        public void onStartedLeading(LeaderContext context) {
          leading.incrementAndGet();
        }

        @Override
        public void onStoppedLeading() {
        }
      }).leaseDuration(Duration.ofSeconds(15)).renewDeadline(Duration.ofSeconds(10))
          .retryPeriod(Duration.ofSeconds(2)).build()));
    }
    electors.forEach(LeaderElector::start);
    assertTrue(time.awaitUntil(() -> leading.get() == n, Duration.ofSeconds(30)).isPresent(),
        "only " + leading.get() + " of " + n + " electors lead");
    time.pass(Duration.ofSeconds(3));   // a round of renewals for everyone
    long batonThreads = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("baton-")).count();
    assertTrue(batonThreads <= 16, batonThreads + " Baton threads for " + n + " electors");
    assertEquals(n, electors.stream().filter(LeaderElector::isLeader).count(), "a leader missed a renewal");
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    electors.forEach(e -> stops.add(e.cancel()));
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
  }
}
