package dev.baton.faults;

import dev.baton.faults.ElectionLog.Term;
import dev.baton.testkit.fixture.ProxyMode;
import dev.baton.testkit.fixture.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Injects faults into a settled election, one at a time, and records each {@link Injection} on the
 * candidates' clock. The only fixed waits are the faults' own durations and the short pause's
 * observation window; everything else waits on a condition with a deadline.
 */
final class FaultInjector {
  /** No term change for this long before a fault: followers have seen the leader's latest renewals. */
  static final Duration QUIET = Duration.ofMillis(700);
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final Election election;
  private final StoreServer store;
  private final SafetyChecker.Timings timings;
  private final List<Injection> injections = new ArrayList<>();

  FaultInjector(Election election, StoreServer store, SafetyChecker.Timings timings) {
    this.election = election;
    this.store = store;
    this.timings = timings;
  }

  /** The faults injected so far. */
  List<Injection> injections() {
    return List.copyOf(injections);
  }

  /** Waits for a settled election, injects the fault into its leader (or server) and heals it. */
  void inject(Fault fault) {
    Term leader = election.awaitSettled(QUIET, SETTLE_TIMEOUT);
    CandidateProcess target = election.process(leader.process());
    Duration lease = timings.leaseDuration();
    switch (fault) {
      case LEADER_PAUSE -> pause(fault, leader, target, lease.multipliedBy(2));
      case LEADER_SHORT_PAUSE -> {
        pause(fault, leader, target, Duration.ofMillis(500));
        sleep(timings.shortPauseWindow()); // the window in which the checker requires the term to go on
      }
      case LEADER_KILL -> {
        long start = System.nanoTime();
        election.kill(target);
        injections.add(new Injection(fault, target.name(), leader.process(), leader.token(), start, start));
        awaitNextTerm(start, leader.token());
        CandidateProcess restarted = election.start(target.identity());
        election.awaitReady(restarted, READY_TIMEOUT);
      }
      case SERVER_PAUSE -> {
        long start = System.nanoTime();
        Signals.stop(store.pid());
        long end;
        try {
          sleep(Duration.ofMillis(lease.toMillis() * 3 / 2));
        } finally {
          Signals.resume(store.pid());
          end = System.nanoTime();
        }
        injections.add(new Injection(fault, "server", leader.process(), leader.token(), start, end));
      }
      case LEADER_BLACKHOLE -> {
        TcpProxy proxy = election.proxyOf(target.identity());
        long start = System.nanoTime();
        proxy.setMode(ProxyMode.BLACKHOLE);
        long end;
        try {
          sleep(lease.multipliedBy(2));
        } finally {
          proxy.setMode(ProxyMode.PASS);
          end = System.nanoTime();
        }
        injections.add(new Injection(fault, target.name(), leader.process(), leader.token(), start, end));
      }
      default -> throw new IllegalArgumentException("unknown fault " + fault);
    }
  }

  private void pause(Fault fault, Term leader, CandidateProcess target, Duration duration) {
    long start = System.nanoTime();
    target.pause();
    long end;
    try {
      sleep(duration);
    } finally {
      target.resume();
      end = System.nanoTime();
    }
    injections.add(new Injection(fault, target.name(), leader.process(), leader.token(), start, end));
  }

  /** After a kill: the next term, bounded well past the failover bound (the checker judges the time). */
  private void awaitNextTerm(long since, long token) {
    long deadline = since + timings.failoverBound().multipliedBy(3).toNanos();
    while (election.log().firstStartAfter(since, token).isEmpty()) {
      if (System.nanoTime() - deadline > 0) {
        return; // the checker reports the missing failover; go on to restart the candidate
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
  }

  /** A fault's own duration: the one kind of fixed wait in this test. */
  private static void sleep(Duration duration) {
    long until = System.nanoTime() + duration.toNanos();
    long left;
    while ((left = until - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted during a fault");
      }
    }
  }
}
