package dev.baton.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.faults.SafetyChecker.Timings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Three candidate processes on one lock (issue 13's timings: lease 3 s, renewDeadline 2 s, retry
 * 300 ms), on etcd and on ZooKeeper, with the faults of production injected into the real processes:
 * the leader frozen past its lease, killed, cut off by a hung network, frozen briefly; the server
 * frozen. {@link SafetyChecker} then judges the processes' logs. {@code -Dbaton.faults.rounds=N}
 * injects each fault N times per backend (2 by default, about a minute per backend).
 *
 * <p>Each run leaves its logs in {@code target/faults/<backend>-<id>/}: every candidate's events
 * ({@code c1-1.out}) and elector log ({@code c1-1.err}), and the checker's report ({@code report.txt}).
 */
class ElectionFaultTest {
  private static final Timings TIMINGS = Timings.ISSUE_13;
  private static final int CANDIDATES = 3;
  private static final List<Fault> SCHEDULE = List.of(Fault.LEADER_SHORT_PAUSE, Fault.LEADER_PAUSE, Fault.LEADER_KILL,
      Fault.LEADER_BLACKHOLE, Fault.SERVER_PAUSE);

  @Test
  @DisplayName("etcd: under leader pauses, crashes and cut-offs, short pauses and a frozen server, no two terms act "
      + "together, no release overwrites another holder's record, and failover stays within the lease")
  void etcd() throws IOException {
    run("etcd");
  }

  @Test
  @DisplayName("ZooKeeper: under leader pauses, crashes and cut-offs, short pauses and a frozen server, no two terms "
      + "act together, no release overwrites another holder's record, and failover stays within the lease")
  void zookeeper() throws IOException {
    run("zookeeper");
  }

  private static void run(String backend) throws IOException {
    int rounds = Integer.getInteger("baton.faults.rounds", 2);
    String id = UUID.randomUUID().toString().substring(0, 8);
    Path dir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")), "target", "faults",
        backend + "-" + id);
    Files.createDirectories(dir);
    long began = System.nanoTime();
    Report report;
    String text;
    Throwable aborted = null;
    try (StoreServer store = StoreServer.start(backend, dir);
        Election election = new Election(store, "lock-" + id, TIMINGS, dir)) {
      FaultInjector injector = new FaultInjector(election, store, TIMINGS);
      try {
        for (int i = 1; i <= CANDIDATES; i++) {
          election.start("c" + i);
        }
        for (CandidateProcess candidate : election.running()) {
          election.awaitReady(candidate, Duration.ofSeconds(60));
        }
        for (int round = 0; round < rounds; round++) {
          for (Fault fault : SCHEDULE) {
            injector.inject(fault);
          }
        }
        // The last fault's aftermath must be in the logs too.
        election.awaitSettled(FaultInjector.QUIET, Duration.ofSeconds(30));
      } catch (RuntimeException | AssertionError e) {
        aborted = e;
      }
      report = new SafetyChecker(TIMINGS).check(election.log().events(), injector.injections());
      text = report.describe(backend);
      Files.writeString(dir.resolve("report.txt"), text, StandardCharsets.UTF_8);
      report.summaryLines(backend).forEach(System.out::println);
      System.out.printf("faults[%s] %d rounds in %.1f s; logs and report in %s%n", backend, rounds,
          (System.nanoTime() - began) / 1e9, dir);
    }
    if (aborted != null) {
      throw new AssertionError("the fault run on " + backend + " was aborted: " + aborted.getMessage()
          + "\nwhat the checker found until then:\n" + text, aborted);
    }
    assertTrue(report.passed(), () -> "the checker found violations on " + backend + " (logs in " + dir + "):\n"
        + text);
  }
}
