package dev.baton.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reference at scale: N of fabric8's own {@code LeaderElector}s, each on its own Lease of the
 * mock API server, on one client, one candidate each; threads, heap and requests per second, to
 * set beside Baton's {@link ScaleBenchmark} on the same server.
 */
final class Fabric8Scale {

  /**
   * Figures of one run.
   *
   * @param electors how many electors
   * @param leading how many led at the end
   * @param lost terms that ended during the steady state
   * @param requestsPerSecond reads and writes per second over the steady state
   * @param readsPerSecond reads per second over the steady state
   * @param jvmThreadsPeak the most live threads of the JVM during the run
   * @param heapAfterGcMb heap in use after a full GC with every elector running
   * @param heapBaselineMb heap in use after a full GC before
   * @param acquireAllMs how long until every elector led (NaN when not all did within 3 minutes)
   */
  record Result(int electors, int leading, int lost, double requestsPerSecond, double readsPerSecond,
      int jvmThreadsPeak, double heapAfterGcMb, double heapBaselineMb, double acquireAllMs) {
  }

  private final Timings timings;
  private final int count;
  private final Duration duration;

  Fabric8Scale(Timings timings, int count, Duration duration) {
    this.timings = timings;
    this.count = count;
    this.duration = duration;
  }

  Result run() throws Exception {
    System.err.printf("[fabric8] scale: %d electors for %s%n", count, duration);
    try (LeaseBackend api = new LeaseBackend()) {
      KubernetesClient client = api.client("fabric8-shared");
      double baseline = ScaleBenchmark.heapAfterGcMb();
      AtomicInteger leading = new AtomicInteger();
      AtomicInteger lost = new AtomicInteger();
      boolean[] steady = new boolean[1];
      List<Fabric8Reference.CountingLeaseLock> locks = new ArrayList<>();
      List<CompletableFuture<?>> runs = new ArrayList<>();
      int[] peak = new int[1];
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        Fabric8Reference.CountingLeaseLock lock = new Fabric8Reference.CountingLeaseLock("bench", "f8-scale-" + i,
            "f8-" + i);
        locks.add(lock);
        runs.add(client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
            .withName("bench").withLock(lock)
            .withLeaseDuration(timings.lease()).withRenewDeadline(timings.renew()).withRetryPeriod(timings.retry())
            .withLeaderCallbacks(new LeaderCallbacks(leading::incrementAndGet, () -> {
              leading.decrementAndGet();
              if (steady[0]) {
                lost.incrementAndGet();
              }
            }, leader -> { }))
            .build()).build().start());
      }
      boolean all = Election.await(() -> {
        peak[0] = Math.max(peak[0], Resources.jvmThreads());
        return leading.get() == count;
      }, Duration.ofMinutes(3));
      double acquireAll = all ? (System.nanoTime() - start) / 1e6 : Double.NaN;
      Election.pause(timings.retry().multipliedBy(2));
      locks.forEach(l -> {
        l.reads.set(0);
        l.writes.set(0);
      });
      steady[0] = true;
      long t0 = System.nanoTime();
      long end = t0 + duration.toNanos();
      Election.await(() -> {
        peak[0] = Math.max(peak[0], Resources.jvmThreads());
        return System.nanoTime() - end >= 0;
      }, duration.plusSeconds(5));
      double seconds = (System.nanoTime() - t0) / 1e9;
      long reads = locks.stream().mapToLong(l -> l.reads.get()).sum();
      long writes = locks.stream().mapToLong(l -> l.writes.get()).sum();
      double heap = ScaleBenchmark.heapAfterGcMb();
      Result r = new Result(count, leading.get(), lost.get(), (reads + writes) / seconds, reads / seconds, peak[0], heap,
          baseline, acquireAll);
      steady[0] = false;
      runs.forEach(f -> f.cancel(true));
      return r;
    }
  }
}
