package dev.baton.bench;

import dev.baton.leaderelection.ElectionRuntime;
import dev.baton.leaderelection.LeaderCallbacks;
import dev.baton.leaderelection.LeaderContext;
import dev.baton.leaderelection.LeaderElectionConfig;
import dev.baton.leaderelection.LeaderElector;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Many electors, each on its own lock, sharing the system runtime. */
final class ScaleBenchmark {

  /**
   * Figures of one run.
   *
   * @param backend the backend's name
   * @param electors how many electors
   * @param leading how many led at the end
   * @param lostLeadership how many terms ended during the run (must be 0)
   * @param missedRenewals electors whose longest gap between successful renewals exceeded 1.5 x retryPeriod
   * @param longestGapMs the longest gap between two successful renewals of any elector
   * @param batonThreadsPeak the most live threads named {@code baton-*} seen during the run
   * @param heapAfterGcMb heap in use after a full GC with every elector running
   * @param heapBaselineMb heap in use after a full GC before the electors were made
   * @param acquireAllMs how long until every elector led
   * @param minutes how long the steady state was observed
   */
  record Result(String backend, int electors, int leading, int lostLeadership, int missedRenewals, double longestGapMs,
      int batonThreadsPeak, double heapAfterGcMb, double heapBaselineMb, double acquireAllMs, double minutes) {
  }

  private final Timings timings;
  private final int count;
  private final Duration duration;

  ScaleBenchmark(Timings timings, int count, Duration duration) {
    this.timings = timings;
    this.count = count;
    this.duration = duration;
  }

  Result run(Backend backend) throws Exception {
    System.err.printf("[%s] scale: %d electors for %s%n", backend.name(), count, duration);
    double baseline = heapAfterGcMb();
    AtomicInteger leading = new AtomicInteger();
    AtomicInteger lost = new AtomicInteger();
    List<LeaderElector> electors = new ArrayList<>();
    List<CountingLock> locks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      CountingLock lock = CountingLock.wrap(backend.newLock("scale-" + i, "scale-" + i));
      locks.add(lock);
      electors.add(new LeaderElector(LeaderElectionConfig.builder()
          .lock(lock.lock)
          .leaseDuration(timings.lease()).renewDeadline(timings.renew()).retryPeriod(timings.retry())
          .runtime(ElectionRuntime.system())
          .callbacks(new LeaderCallbacks() {
            @Override
            public void onStartedLeading(LeaderContext context) {
              leading.incrementAndGet();
            }

            @Override
            public void onStoppedLeading() {
              if (leading.getAndDecrement() > 0) {
                lost.incrementAndGet();
              }
            }
          })
          .build()));
    }
    long start = System.nanoTime();
    electors.forEach(LeaderElector::start);
    AtomicInteger peakThreads = new AtomicInteger();
    if (!Election.await(() -> {
      peakThreads.accumulateAndGet(batonThreads(), Math::max);
      return leading.get() == count;
    }, Duration.ofMinutes(2))) {
      throw new IllegalStateException("only " + leading.get() + " of " + count + " electors lead after 2 minutes");
    }
    double acquireAll = (System.nanoTime() - start) / 1e6;
    Election.pause(timings.retry().multipliedBy(2));
    locks.forEach(CountingLock::reset);
    long end = System.nanoTime() + duration.toNanos();
    Election.await(() -> {
      peakThreads.accumulateAndGet(batonThreads(), Math::max);
      return System.nanoTime() - end >= 0;
    }, duration.plusSeconds(5));
    double heap = heapAfterGcMb();
    int missed = 0;
    long longest = 0;
    for (CountingLock l : locks) {
      long gap = l.longestWriteGapNanos.get();
      longest = Math.max(longest, gap);
      if (gap > timings.retry().toNanos() * 3 / 2) {
        missed++;
      }
    }
    int leadingAtEnd = leading.get();
    int lostDuringRun = lost.get();
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    electors.forEach(e -> stops.add(e.cancel()));
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
    return new Result(backend.name(), count, leadingAtEnd, lostDuringRun, missed, longest / 1e6, peakThreads.get(), heap,
        baseline, acquireAll, duration.toMillis() / 60_000.0);
  }

  private static int batonThreads() {
    return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("baton-")).count();
  }

  private static double heapAfterGcMb() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
  }
}
