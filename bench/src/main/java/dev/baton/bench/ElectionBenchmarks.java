package dev.baton.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/** Handover, failover and request cost on one backend, on real time. */
final class ElectionBenchmarks {

  /**
   * Figures of one backend.
   *
   * @param backend the backend's name
   * @param watches whether its locks watch
   * @param handoverMs graceful handover samples: stepDown() to the next onStartedLeading
   * @param failoverMs crash failover samples: the crashed leader's last successful renewal to the next onStartedLeading
   * @param requests steady-state request rates
   * @param overlaps how many times two candidates led at once (must be 0)
   */
  record Result(String backend, boolean watches, Stats handoverMs, Stats failoverMs, RequestRates requests, int overlaps) {
  }

  /**
   * Steady-state requests per minute.
   *
   * @param leaderWrites the leader's writes per minute
   * @param leaderReads the leader's reads per minute
   * @param followerReads each follower's reads per minute (the highest)
   * @param followerWrites each follower's writes per minute (the highest)
   * @param minutes how long it was measured
   */
  record RequestRates(double leaderWrites, double leaderReads, double followerReads, double followerWrites, double minutes) {
  }

  private final Timings timings;
  private final int samples;
  private final Duration steadyState;
  private final Random random = new Random(1);

  ElectionBenchmarks(Timings timings, int samples, Duration steadyState) {
    this.timings = timings;
    this.samples = samples;
    this.steadyState = steadyState;
  }

  Result run(Backend backend) throws Exception {
    log(backend, "handover, " + samples + " samples");
    List<Double> handover = new ArrayList<>();
    int overlaps = 0;
    try (Election e = new Election(backend, "handover-" + UUID.randomUUID().toString().substring(0, 8), 3, timings, true)) {
      e.start();
      handover.addAll(handovers(e, samples, timings, random));
      overlaps += e.overlaps.get();
    }

    log(backend, "failover, " + samples + " samples");
    List<Double> failover = new ArrayList<>();
    try (Election e = new Election(backend, "failover-" + UUID.randomUUID().toString().substring(0, 8), 3, timings, false)) {
      e.start();
      for (int i = 0; i < samples; i++) {
        Election.Member leader = e.awaitLeader(timings.lease().multipliedBy(3));
        Election.pause(timings.retry().multipliedBy(2).plusMillis(random.nextInt((int) timings.retry().toMillis())));
        long crash = System.nanoTime();
        leader.elector.cancel().get();   // no release: as if the process died
        long lastRenewal = leader.lock.lastSuccessfulWriteNanos.get();
        Optional<Long> next = e.awaitNextStart(leader, crash, timings.lease().multipliedBy(3));
        failover.add(next.orElseThrow(() -> new IllegalStateException("no new leader after a crash")) / 1e6 - lastRenewal / 1e6);
        leader.elector.start();
      }
      overlaps += e.overlaps.get();
    }

    log(backend, "request cost over " + steadyState);
    RequestRates rates;
    try (Election e = new Election(backend, "requests-" + UUID.randomUUID().toString().substring(0, 8), 3, timings, false)) {
      e.start();
      Election.Member leader = e.awaitLeader(timings.lease().multipliedBy(3));
      Election.pause(timings.lease());
      e.members.forEach(m -> m.lock.reset());
      Election.pause(steadyState);
      double minutes = steadyState.toMillis() / 60_000.0;
      double followerReads = 0;
      double followerWrites = 0;
      for (Election.Member m : e.members) {
        if (m != leader) {
          followerReads = Math.max(followerReads, m.lock.reads.get() / minutes);
          followerWrites = Math.max(followerWrites, m.lock.writes.get() / minutes);
        }
      }
      rates = new RequestRates(leader.lock.writes.get() / minutes, leader.lock.reads.get() / minutes,
          followerReads, followerWrites, minutes);
      overlaps += e.overlaps.get();
    }
    return new Result(backend.name(), backend.watches(), Stats.of(handover), Stats.of(failover), rates, overlaps);
  }

  /**
   * Graceful handovers on a running election: the leader steps down after a few retry periods of
   * leading, and each sample is the time from {@code stepDown()} to another candidate's
   * {@code onStartedLeading}.
   */
  /** Handovers slower than this are reported on standard error with where they lost their time. */
  static final double SLOW_HANDOVER_MS = 250;

  static List<Double> handovers(Election e, int samples, Timings timings, Random random) throws Exception {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      Election.Member leader = e.awaitLeader(timings.lease().multipliedBy(3));
      Election.pause(timings.retry().multipliedBy(3).plusMillis(random.nextInt((int) timings.retry().toMillis())));
      long t0 = System.nanoTime();
      leader.elector.stepDown().get();
      long released = System.nanoTime();
      Optional<Long> next = e.awaitNextStart(leader, t0, timings.lease().multipliedBy(3));
      double ms = next.orElseThrow(() -> new IllegalStateException("no new leader after a step-down")) / 1e6 - t0 / 1e6;
      out.add(ms);
      if (ms > SLOW_HANDOVER_MS) {
        // Where a slow one lost its time: the step-down (the old leader's release) or the takeover.
        System.err.printf(Locale.ROOT, "slow handover %d: %.0f ms, of which the step-down (release) %.0f ms%n", i, ms,
            (released - t0) / 1e6);
      }
      leader.elector.start();
    }
    return out;
  }

  private static void log(Backend backend, String what) {
    System.err.printf("[%s] %s%n", backend.name(), what);
  }
}
