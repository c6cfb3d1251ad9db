package dev.baton.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.faults.Event.Kind;
import dev.baton.faults.SafetyChecker.Rule;
import dev.baton.faults.SafetyChecker.Timings;
import dev.baton.faults.SafetyChecker.Violation;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The checker on synthetic logs: a correct handover passes, and each rule fails on the log of the
 * breach it is there to catch (times in milliseconds; lease 3 s, renewDeadline 2 s, retry 300 ms,
 * failover bound 4.66 s).
 */
class SafetyCheckerTest {
  private static final long MS = 1_000_000L;
  private final SafetyChecker checker = new SafetyChecker(Timings.ISSUE_13);
  private final List<Event> log = new ArrayList<>();
  private final List<Injection> injections = new ArrayList<>();

  /** c1 leads with token 10 from 0 to 1000 ms, renewing every 300 ms, acting every 100 ms. */
  private void c1Leads(long untilMs) {
    log.add(Event.write("c1#1", "create", "c1", -1, 10, 0, 5 * MS));
    log.add(Event.start("c1#1", 10, 6 * MS));
    for (long t = 300; t <= untilMs; t += 300) {
      log.add(Event.write("c1#1", "update", "c1", t == 300 ? 10 : 10 + t / 300 - 1, 10 + t / 300, t * MS,
          (t + 3) * MS));
    }
    for (long t = 10; t <= untilMs; t += 100) {
      log.add(Event.act("c1#1", 10, t * MS));
    }
  }

  /** c2 takes over at {@code atMs} with token 20 and acts for a second. */
  private void c2TakesOver(long atMs, long expectedRevision) {
    log.add(Event.read("c2#1", "c1", expectedRevision, (atMs - 4) * MS, (atMs - 2) * MS));
    log.add(Event.write("c2#1", "update", "c2", expectedRevision, 20, (atMs - 1) * MS, atMs * MS));
    log.add(Event.start("c2#1", 20, (atMs + 1) * MS));
    for (long t = atMs + 2; t < atMs + 1000; t += 100) {
      log.add(Event.act("c2#1", 20, t * MS));
    }
  }

  private Report check() {
    return checker.check(log, injections);
  }

  @Test
  @DisplayName("A leader frozen past its lease that stops acting before the new leader starts passes every rule")
  void correctFailoverPasses() {
    c1Leads(900);
    injections.add(new Injection(Fault.LEADER_PAUSE, "c1#1", "c1#1", 10, 950 * MS, 6950 * MS));
    c2TakesOver(3950, 13);
    log.add(Event.end("c1#1", 10, 6960 * MS));
    Report report = check();
    assertTrue(report.passed(), report.describe("test"));
    assertEquals(List.of(3001 * MS), report.failovers(Fault.LEADER_PAUSE));
  }

  @Test
  @DisplayName("(a) An act with a lower token after an act with a higher token began is a late act")
  void lateActFails() {
    c1Leads(900);
    c2TakesOver(3950, 13);
    log.add(Event.act("c1#1", 10, 6952 * MS)); // woken after SIGCONT, isLeading() still true
    Report report = check();
    List<Violation> late = report.violations(Rule.LATE_ACT);
    assertEquals(1, late.size(), report.describe("test"));
    assertTrue(late.get(0).description().contains("3000 ms after c2#1 began acting with token 20"),
        late.get(0).description());
  }

  @Test
  @DisplayName("(a) Acts of two tokens at the same instant are not late; the lower token's next act is")
  void simultaneousActsAreNotLate() {
    log.add(Event.write("c1#1", "create", "c1", -1, 10, 0, MS));
    log.add(Event.write("c2#1", "update", "c2", 10, 20, 0, MS));
    log.add(Event.act("c1#1", 10, 5 * MS));
    log.add(Event.act("c2#1", 20, 5 * MS));
    assertEquals(0, check().violations(Rule.LATE_ACT).size());
    log.add(Event.act("c1#1", 10, 6 * MS));
    assertEquals(1, check().violations(Rule.LATE_ACT).size());
  }

  @Test
  @DisplayName("(b) A term that starts with a token not above the previous term's is reported")
  void tokenOrderFails() {
    log.add(Event.start("c1#1", 20, 10 * MS));
    log.add(Event.start("c2#1", 20, 20 * MS));
    log.add(Event.start("c3#1", 15, 30 * MS));
    assertEquals(2, check().violations(Rule.TOKEN_ORDER).size());
  }

  @Test
  @DisplayName("(c) A release compared against the new leader's revision (read after waking) is a foreign release")
  void foreignReleaseFails() {
    c1Leads(900);
    c2TakesOver(3950, 13);
    // c1 wakes at 6950 ms: its overdue attempt reads c2's record, then it releases over it.
    log.add(Event.read("c1#1", "c2", 21, 6951 * MS, 6952 * MS));
    log.add(Event.write("c1#1", "update", "", 21, 22, 6953 * MS, 6954 * MS));
    log.add(Event.write("c2#1", "update", "c2", 20, 21, 4200 * MS, 4203 * MS));
    Report report = check();
    List<Violation> releases = report.violations(Rule.FOREIGN_RELEASE);
    assertEquals(1, releases.size(), report.describe("test"));
    assertTrue(releases.get(0).description().contains("written by c2#1 (holder c2)"), releases.get(0).description());
  }

  @Test
  @DisplayName("(c) A release over the process's own last write, or over its own write whose reply was lost, is fine")
  void ownReleasesPass() {
    c1Leads(900);
    log.add(Event.write("c1#1", "update", "", 13, 14, 950 * MS, 952 * MS));
    assertEquals(0, check().violations(Rule.FOREIGN_RELEASE).size());

    // c3 renewed (revision 31), the reply was lost; it read its own record back and released it.
    log.add(Event.write("c3#1", "update", "c3", 14, 30, 2000 * MS, 2001 * MS));
    log.add(Event.read("c3#1", "c3", 31, 2500 * MS, 2501 * MS));
    log.add(Event.write("c3#1", "update", "", 31, 32, 2502 * MS, 2503 * MS));
    assertEquals(0, check().violations(Rule.FOREIGN_RELEASE).size());

    // A restarted process may release what its previous incarnation (same identity) wrote.
    log.add(Event.write("c4#1", "update", "c4", 32, 40, 3000 * MS, 3001 * MS));
    log.add(Event.read("c4#2", "c4", 40, 3500 * MS, 3501 * MS));
    log.add(Event.write("c4#2", "update", "", 40, 41, 3502 * MS, 3503 * MS));
    assertEquals(0, check().violations(Rule.FOREIGN_RELEASE).size());

    // But a record that names the releaser and that another identity logged writing is not its own.
    log.add(Event.write("c5#1", "update", "c6", 41, 50, 4000 * MS, 4001 * MS));
    log.add(Event.read("c6#1", "c6", 50, 4500 * MS, 4501 * MS));
    log.add(Event.write("c6#1", "update", "", 50, 51, 4502 * MS, 4503 * MS));
    assertEquals(1, check().violations(Rule.FOREIGN_RELEASE).size());
  }

  @Test
  @DisplayName("(d) A failover slower than leaseDuration + 2.2 x retryPeriod + margin, or none at all, is reported")
  void slowFailoverFails() {
    c1Leads(900);
    injections.add(new Injection(Fault.LEADER_KILL, "c1#1", "c1#1", 10, 950 * MS, 950 * MS));
    c2TakesOver(5700, 13);
    Report report = check();
    assertEquals(1, report.violations(Rule.SLOW_FAILOVER).size(), report.describe("test"));
    assertEquals(List.of(4751 * MS), report.failovers(Fault.LEADER_KILL));

    injections.add(new Injection(Fault.LEADER_BLACKHOLE, "c2#1", "c2#1", 20, 6000 * MS, 12000 * MS));
    assertEquals(2, check().violations(Rule.SLOW_FAILOVER).size());
  }

  @Test
  @DisplayName("(d) After a frozen server, the next term is timed from the server's resumption")
  void serverPauseTimedFromResume() {
    c1Leads(900);
    injections.add(new Injection(Fault.SERVER_PAUSE, "server", "c1#1", 10, 950 * MS, 5450 * MS));
    c2TakesOver(5800, 13);
    Report report = check();
    assertEquals(List.of(351 * MS), report.failovers(Fault.SERVER_PAUSE));
    assertEquals(0, report.violations(Rule.SLOW_FAILOVER).size(), report.describe("test"));
  }

  @Test
  @DisplayName("(e) After a short pause the leader must go on: a new term, an end, or no act and renewal after it fail")
  void shortPauseLost() {
    c1Leads(2400);
    injections.add(new Injection(Fault.LEADER_SHORT_PAUSE, "c1#1", "c1#1", 10, 1000 * MS, 1500 * MS));
    Report kept = check();
    assertEquals(0, kept.violations(Rule.SHORT_PAUSE_LOST).size(), kept.describe("test"));

    log.add(Event.end("c1#1", 10, 1600 * MS));
    log.add(Event.start("c2#1", 20, 1700 * MS));
    assertEquals(2, check().violations(Rule.SHORT_PAUSE_LOST).size());

    log.clear();
    c1Leads(1400);
    Report silent = check();
    List<Violation> lost = silent.violations(Rule.SHORT_PAUSE_LOST);
    assertEquals(1, lost.size(), silent.describe("test"));
    assertTrue(lost.get(0).description().contains("did not act and did not renew"), lost.get(0).description());
  }

  @Test
  @DisplayName("(f) An act later than the start of the last own write + renewDeadline is reported, even with no rival")
  void actPastDeadlineFails() {
    c1Leads(900);
    log.add(Event.act("c1#1", 10, 2899 * MS)); // last write began at 900 ms: valid until 2900 ms
    assertEquals(0, check().violations(Rule.ACT_PAST_DEADLINE).size());
    log.add(Event.act("c1#1", 10, 2901 * MS));
    log.add(Event.act("c3#1", 30, 3000 * MS)); // never wrote at all
    Report report = check();
    assertEquals(2, report.violations(Rule.ACT_PAST_DEADLINE).size(), report.describe("test"));
    assertEquals(0, report.violations(Rule.LATE_ACT).size(), "c3's act has the highest token: not late");
  }

  @Test
  @DisplayName("The summary has one line per fault with failover min/median/max and each rule's count")
  void summaryLines() {
    c1Leads(900);
    injections.add(new Injection(Fault.LEADER_PAUSE, "c1#1", "c1#1", 10, 950 * MS, 6950 * MS));
    c2TakesOver(3950, 13);
    log.add(Event.act("c1#1", 10, 6952 * MS));
    List<String> lines = check().summaryLines("etcd");
    assertEquals("faults[etcd] leader-pause       injections=1 failover(ms)=3001/3001/3001 bound=4660 late-acts=1 "
        + "(1 term, up to 3000 ms) token-order=0 foreign-releases=0 slow-failovers=0 short-pause-lost=0 "
        + "past-deadline-acts=1 (1 term, up to 4052 ms)", lines.get(0));
    assertEquals("faults[etcd] FAILED: 1 injections, 2 violations", lines.get(lines.size() - 1));
    assertEquals("1000/2000/4000", Report.minMedianMax(List.of(4000 * MS, 1000 * MS, 2000 * MS)));
    assertEquals("1000/1500/2000", Report.minMedianMax(List.of(2000 * MS, 1000 * MS)));
  }

  @Test
  @DisplayName("Every line a candidate writes parses back into the event it describes")
  void linesParse() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    EventWriter writer = new EventWriter(bytes);
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    writer.ready();
    writer.start(42);
    writer.act(42, 123);
    writer.end(42);
    writer.stop();
    writer.leader("c2");
    writer.leader("");
    writer.read("c2", OptionalLong.of(7), 99);
    writer.write("update", LeaderElectionRecord.of("", 1, now, now, 3), OptionalLong.of(7), OptionalLong.of(8), 100);
    writer.write("create", LeaderElectionRecord.of("c1", 3, now, now, 0), OptionalLong.empty(), OptionalLong.of(1), 5);
    writer.fail("update", new IllegalStateException("x"), 101);
    writer.exit();
    List<Event> events = bytes.toString(StandardCharsets.UTF_8).lines()
        .map(l -> Event.parse("c1#1", l).orElseThrow(() -> new AssertionError("unparsed: " + l))).toList();
    assertEquals(List.of(Kind.READY, Kind.START, Kind.ACT, Kind.END, Kind.STOP, Kind.LEADER, Kind.LEADER, Kind.READ,
        Kind.WRITE, Kind.WRITE, Kind.FAIL, Kind.EXIT), events.stream().map(Event::kind).toList());
    assertEquals(42, events.get(2).token());
    assertEquals(123, events.get(2).nanos());
    assertEquals("", events.get(6).holder());
    assertEquals(7, events.get(7).revision());
    Event release = events.get(8);
    assertTrue(release.isRelease());
    assertEquals(7, release.expectedRevision());
    assertEquals(8, release.revision());
    assertEquals(3, release.transitions());
    assertEquals(100, release.startNanos());
    assertEquals(-1, events.get(9).expectedRevision());
    assertEquals("c1", events.get(9).identity());
    assertTrue(Event.parse("c1#1", "OpenJDK 64-Bit Server VM warning: something").isEmpty());
  }
}
