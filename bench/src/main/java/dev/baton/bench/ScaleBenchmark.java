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
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Many elections in one JVM, each on its own lock with {@code candidates} candidates, all sharing
 * the system runtime (and, per backend, one client). Optionally, while they run, graceful handovers
 * of a separate three-candidate election on the same runtime (the handover under load).
 */
final class ScaleBenchmark {

  /**
   * Figures of one run.
   *
   * @param backend the backend's name
   * @param elections how many elections
   * @param candidates candidates per election
   * @param leading how many elections had a leader at the end
   * @param lostTerms terms that ended during the steady state (no one asked them to)
   * @param lostPerMinute lost terms per minute of steady state
   * @param missedRenewals terms whose gap between two successful renewals exceeded 1.5 x retryPeriod
   * @param longestGapMs the longest gap between two successful renewals within one term
   * @param overlaps times a candidate started leading while another candidate of its election still held a valid term
   * @param renewalsPerSecond successful leader writes per second over the steady state
   * @param callsPerSecond lock calls (reads and writes) per second over the steady state
   * @param batonThreadsPeak the most live threads named {@code baton-*} seen during the run
   * @param batonThreadKinds those threads at that peak, by pool ({@code lock-call 8, timer 2, ...})
   * @param jvmThreadsPeak the most live threads of the JVM seen during the run
   * @param heapAfterGcMb heap in use after a full GC with every elector running
   * @param heapBaselineMb heap in use after a full GC before the electors were made
   * @param acquireAllMs how long until every election had a leader (NaN when not all did)
   * @param minutes how long the steady state was observed
   * @param openResources connections and watches held at the end
   * @param handoverMs graceful handovers of a separate election during the steady state
   * @param cpuCores CPU time this JVM used per second of steady state (1.0 = one core busy), in-process
   *     servers (ZooKeeper, the mock API server) included
   */
  record Result(String backend, int elections, int candidates, int leading, int lostTerms, double lostPerMinute,
      int missedRenewals, double longestGapMs, int overlaps, double renewalsPerSecond, double callsPerSecond,
      int batonThreadsPeak, String batonThreadKinds, int jvmThreadsPeak, double heapAfterGcMb, double heapBaselineMb, double acquireAllMs,
      double minutes, String openResources, Stats handoverMs, double cpuCores) {
  }

  /** One election of the run and its candidates. */
  private final class Race {
    final List<LeaderElector> electors = new ArrayList<>();
    final List<CountingLock> locks = new ArrayList<>();
    /** The context of the term that started last, to check a newcomer against. */
    final AtomicReference<LeaderContext> current = new AtomicReference<>();
    final AtomicInteger leaders = new AtomicInteger();
    /** When a candidate of this election first started leading (System.nanoTime()), 0 before. */
    final AtomicLong firstLedNanos = new AtomicLong();
  }

  private final Timings timings;
  private final int elections;
  private final int candidates;
  private final Duration duration;
  private final int handoverSamples;
  private final Duration acquireLimit;
  private final AtomicInteger leadingElections = new AtomicInteger();
  private final AtomicInteger lost = new AtomicInteger();
  private final AtomicInteger overlaps = new AtomicInteger();
  /** Terms that ended while the elections were still starting (not in the steady-state figures). */
  private final AtomicInteger lostBeforeSteady = new AtomicInteger();
  private volatile boolean steady;
  private volatile boolean stopping;

  ScaleBenchmark(Timings timings, int elections, int candidates, Duration duration, int handoverSamples,
      Duration acquireLimit) {
    this.acquireLimit = acquireLimit;
    this.timings = timings;
    this.elections = elections;
    this.candidates = candidates;
    this.duration = duration;
    this.handoverSamples = handoverSamples;
  }

  Result run(Backend backend) throws Exception {
    System.err.printf("[%s] scale: %d elections x %d candidates for %s, %s%n", backend.name(), elections, candidates,
        duration, timings);
    double baseline = heapAfterGcMb();
    List<Race> races = new ArrayList<>();
    for (int i = 0; i < elections; i++) {
      Race race = new Race();
      for (int c = 0; c < candidates; c++) {
        CountingLock lock = CountingLock.wrap(backend.newLock("scale-" + i, "scale-" + i + "-" + c));
        race.locks.add(lock);
        race.electors.add(elector(race, lock));
      }
      races.add(race);
    }
    ThreadPeaks peaks = new ThreadPeaks();
    long start = System.nanoTime();
    races.forEach(r -> r.electors.forEach(LeaderElector::start));
    boolean allLed = awaitCoarsely(() -> peaks.sample() && leadingElections.get() == elections, acquireLimit);
    double acquireAll = allLed ? (System.nanoTime() - start) / 1e6 : Double.NaN;
    System.err.printf("[%s] %d of %d elections have a leader after %.1f s (%d terms lost meanwhile)%n", backend.name(),
        leadingElections.get(), elections, (System.nanoTime() - start) / 1e9, lostBeforeSteady.get());
    Stats firstLed = Stats.of(races.stream().filter(r -> r.firstLedNanos.get() != 0)
        .map(r -> (r.firstLedNanos.get() - start) / 1e9).toList());
    System.err.printf(Locale.ROOT, "[%s] first leader after start, s: median %.1f, p90 %.1f, p99 %.1f, last %.1f%n",
        backend.name(), firstLed.median(), firstLed.quantile(0.9), firstLed.quantile(0.99), firstLed.quantile(1.0));
    long settle = System.nanoTime() + timings.retry().multipliedBy(2).toNanos();
    awaitCoarsely(() -> System.nanoTime() - settle >= 0, timings.retry().multipliedBy(3));
    races.forEach(r -> r.locks.forEach(CountingLock::reset));
    lost.set(0);
    steady = true;
    long steadyStart = System.nanoTime();
    long cpuStart = processCpuNanos();
    long end = steadyStart + duration.toNanos();
    CompletableFuture<List<Double>> handovers = handoverSamples == 0
        ? CompletableFuture.completedFuture(List.of())
        : CompletableFuture.supplyAsync(() -> handovers(backend));
    awaitCoarsely(() -> peaks.sample() && System.nanoTime() - end >= 0, duration.plusSeconds(5));
    List<Double> handoverMs = handovers.get(10, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - steadyStart) / 1e9;
    double cpuCores = (processCpuNanos() - cpuStart) / 1e9 / seconds;
    steady = false;
    long writes = 0;
    long calls = 0;
    int missed = 0;
    long longest = 0;
    for (Race race : races) {
      for (CountingLock l : race.locks) {
        writes += l.writes.get();
        calls += l.writes.get() + l.reads.get();
        long gap = l.longestWriteGapNanos.get();
        longest = Math.max(longest, gap);
        if (gap > timings.retry().toNanos() * 3 / 2) {
          missed++;
        }
      }
    }
    int leadingAtEnd = leadingElections.get();
    int lostDuringRun = lost.get();
    String resources = backend.openResources();
    double heap = heapAfterGcMb();
    stopping = true;
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    races.forEach(r -> r.electors.forEach(e -> stops.add(e.cancel())));
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    return new Result(backend.name(), elections, candidates, leadingAtEnd, lostDuringRun, lostDuringRun / (seconds / 60),
        missed, longest / 1e6, overlaps.get(), writes / seconds, calls / seconds, peaks.baton, peaks.batonKinds,
        peaks.jvm, heap, baseline, acquireAll, seconds / 60, resources, Stats.of(handoverMs), cpuCores);
  }

  private LeaderElector elector(Race race, CountingLock lock) {
    return new LeaderElector(LeaderElectionConfig.builder()
        .lock(lock.lock)
        .leaseDuration(timings.lease()).renewDeadline(timings.renew()).retryPeriod(timings.retry())
        .runtime(ElectionRuntime.system())
        .callbacks(new LeaderCallbacks() {
          private LeaderContext mine;

          @Override
          public void onStartedLeading(LeaderContext context) {
            mine = context;
            LeaderContext previous = race.current.getAndSet(context);
            // A term whose validity deadline passed is over even before its onStoppedLeading runs.
            if (previous != null && previous.isLeading()) {
              overlaps.incrementAndGet();
              System.err.println("OVERLAP: " + lock.lock.describe() + " started leading while another term was valid");
            }
            if (race.leaders.getAndIncrement() == 0) {
              leadingElections.incrementAndGet();
            }
            race.firstLedNanos.compareAndSet(0, System.nanoTime());
          }

          @Override
          public void onStoppedLeading() {
            race.current.compareAndSet(mine, null);
            // The next term's first renewal gap starts from its own first write.
            lock.lastSuccessfulWriteNanos.set(0);
            if (race.leaders.decrementAndGet() == 0) {
              leadingElections.decrementAndGet();
            }
            if (steady && !stopping) {
              lost.incrementAndGet();
            } else if (!stopping) {
              lostBeforeSteady.incrementAndGet();
            }
          }
        })
        .build());
  }

  private List<Double> handovers(Backend backend) {
    try (Election e = new Election(backend, "handover-" + UUID.randomUUID().toString().substring(0, 8), 3, timings,
        true)) {
      e.start();
      List<Double> samples = ElectionBenchmarks.handovers(e, handoverSamples, timings, new Random(1));
      if (e.overlaps.get() > 0) {
        overlaps.addAndGet(e.overlaps.get());
      }
      return samples;
    } catch (Exception ex) {
      throw new IllegalStateException("handover under load failed: " + ex, ex);
    }
  }

  /** The most threads seen, sampled while the run waits. */
  private static final class ThreadPeaks {
    volatile int baton;
    volatile String batonKinds = "";
    volatile int jvm;

    /** Counts live threads (without their stacks); always true, for use in a condition. */
    boolean sample() {
      Thread[] threads = new Thread[Thread.activeCount() + 64];
      int n = Thread.enumerate(threads);
      Map<String, Integer> kinds = new TreeMap<>();
      int named = 0;
      for (int i = 0; i < n; i++) {
        String name = threads[i].getName();
        if (name.startsWith("baton-")) {
          named++;
          // baton-lock-call-3 -> lock-call; baton-etcd-watch-retry -> etcd-watch-retry
          kinds.merge(name.substring("baton-".length()).replaceAll("-\\d+$", ""), 1, Integer::sum);
        }
      }
      if (named > baton) {
        baton = named;
        batonKinds = kinds.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", "));
      }
      jvm = Math.max(jvm, Resources.jvmThreads());
      return true;
    }
  }

  /** Waits for {@code condition}, checking every 20 ms: the scale run needs no finer time, and its checks cost. */
  private static boolean awaitCoarsely(java.util.function.BooleanSupplier condition, Duration limit) {
    return Election.await(condition, limit, 20_000_000L);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static double heapAfterGcMb() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
  }
}
