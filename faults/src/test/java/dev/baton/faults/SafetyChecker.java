package dev.baton.faults;

import dev.baton.faults.Event.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Judges a fault run from the candidates' logs alone: what each process did and when, on the one
 * monotonic clock of the machine. It knows nothing of the elector's internals, so it would judge
 * client-go or fabric8 the same way. The rules (letters as in faults/README.md):
 * <ol type="a">
 *   <li>no ACT with fencing token k at a time after an ACT with a token greater than k began;</li>
 *   <li>the fencing tokens of STARTs strictly increase in start order;</li>
 *   <li>no release (a write of holder "") over a record its writer did not write itself;</li>
 *   <li>after a crash, freeze or cut-off of the leader, another term starts within
 *       leaseDuration + 2.2 x retryPeriod + a margin (after a frozen server: from its resumption);</li>
 *   <li>a leader frozen for less than renewDeadline keeps its term: no new term, no end, and it acts
 *       and renews after it resumes;</li>
 *   <li>no ACT after its term's validity deadline: the start of the process's last successful write
 *       of its own record + renewDeadline (the guarantee of issue 13 part 2, stated on the logs).</li>
 * </ol>
 */
final class SafetyChecker {

  /**
   * The election's timings and the checker's tolerances.
   *
   * @param leaseDuration the candidates' leaseDuration
   * @param renewDeadline the candidates' renewDeadline
   * @param retryPeriod the candidates' retryPeriod
   * @param failoverMargin what a failover may take beyond leaseDuration + 2.2 x retryPeriod: the new
   *     leader's read and write, and scheduling on a loaded machine
   * @param shortPauseWindow how long after a short pause ends the leader must still hold its term
   */
  record Timings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod, Duration failoverMargin,
      Duration shortPauseWindow) {

    /** Issue 13's election (3 s / 2 s / 300 ms), a 1 s failover margin, and 1 s of watching after a short pause. */
    static final Timings ISSUE_13 = new Timings(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(300),
        Duration.ofSeconds(1), Duration.ofSeconds(1));

    /** leaseDuration + 2.2 x retryPeriod + failoverMargin. */
    Duration failoverBound() {
      return leaseDuration.plus(retryPeriod.multipliedBy(22).dividedBy(10)).plus(failoverMargin);
    }
  }

  /** The rules, with the letters of the README. */
  enum Rule {
    LATE_ACT("a", "late-acts"),
    TOKEN_ORDER("b", "token-order"),
    FOREIGN_RELEASE("c", "foreign-releases"),
    SLOW_FAILOVER("d", "slow-failovers"),
    SHORT_PAUSE_LOST("e", "short-pause-lost"),
    ACT_PAST_DEADLINE("f", "past-deadline-acts");

    private final String letter;
    private final String label;

    Rule(String letter, String label) {
      this.letter = letter;
      this.label = label;
    }

    String letter() {
      return letter;
    }

    String label() {
      return label;
    }
  }

  /**
   * A breach of a rule.
   *
   * @param rule the rule
   * @param nanos when it happened (for failover and short-pause rules: the injection)
   * @param description what happened, with processes and tokens
   * @param term for an ACT: the acting process and its token ({@code c1#1/57}); null otherwise
   * @param lateNanos for an ACT: how long after the higher token's first act (a) or past the deadline (f)
   */
  record Violation(Rule rule, long nanos, String description, String term, long lateNanos) {

    Violation(Rule rule, long nanos, String description) {
      this(rule, nanos, description, null, 0);
    }
  }

  private final Timings timings;

  SafetyChecker(Timings timings) {
    this.timings = Objects.requireNonNull(timings, "timings");
  }

  /**
   * Checks a run.
   *
   * @param events every process's events, in any order
   * @param injections the faults injected
   * @return the report
   */
  Report check(List<Event> events, List<Injection> injections) {
    List<Event> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparingLong(Event::nanos));
    List<Injection> faults = new ArrayList<>(injections);
    faults.sort(Comparator.comparingLong(Injection::startNanos));
    long origin = sorted.isEmpty() ? 0 : sorted.get(0).nanos();
    Clock clock = new Clock(origin);
    List<Violation> violations = new ArrayList<>();
    lateActs(sorted, violations, clock);
    tokenOrder(sorted, violations, clock);
    foreignReleases(sorted, violations, clock);
    actsPastDeadline(sorted, violations, clock);
    Map<Injection, Long> failovers = failovers(sorted, faults, violations, clock);
    shortPauses(sorted, faults, violations, clock);
    violations.sort(Comparator.comparingLong(Violation::nanos));
    return new Report(timings, faults, failovers, violations, origin);
  }

  /** (a) An ACT with token k at a time after an ACT with a higher token began. */
  private static void lateActs(List<Event> sorted, List<Violation> out, Clock clock) {
    TreeMap<Long, Event> firstActByToken = new TreeMap<>();
    List<Event> sameTime = new ArrayList<>();
    long maxTokenBefore = Long.MIN_VALUE;
    int i = 0;
    List<Event> acts = sorted.stream().filter(e -> e.kind() == Kind.ACT).toList();
    while (i < acts.size()) {
      sameTime.clear();
      long t = acts.get(i).nanos();
      while (i < acts.size() && acts.get(i).nanos() == t) {
        sameTime.add(acts.get(i++));
      }
      for (Event act : sameTime) {
        if (act.token() < maxTokenBefore) {
          Event first = firstActByToken.tailMap(act.token(), false).values().stream()
              .min(Comparator.comparingLong(Event::nanos)).orElseThrow();
          out.add(new Violation(Rule.LATE_ACT, act.nanos(), act.process() + " acted with token " + act.token() + " at "
              + clock.at(act.nanos()) + ", " + millis(act.nanos() - first.nanos()) + " after " + first.process()
              + " began acting with token " + first.token(), term(act), act.nanos() - first.nanos()));
        }
      }
      for (Event act : sameTime) {
        maxTokenBefore = Math.max(maxTokenBefore, act.token());
        firstActByToken.putIfAbsent(act.token(), act);
      }
    }
  }

  /** (b) START tokens strictly increase in start order. */
  private static void tokenOrder(List<Event> sorted, List<Violation> out, Clock clock) {
    Event previous = null;
    for (Event start : sorted) {
      if (start.kind() != Kind.START) {
        continue;
      }
      if (previous != null && start.token() <= previous.token()) {
        out.add(new Violation(Rule.TOKEN_ORDER, start.nanos(), start.process() + " started a term with token "
            + start.token() + " at " + clock.at(start.nanos()) + ", after " + previous.process()
            + " had started one with token " + previous.token() + " at " + clock.at(previous.nanos())));
      }
      previous = start;
    }
  }

  /**
   * (c) A release must be compared against a revision its own process wrote. A write whose reply
   * was lost shows only as the process's own read of a record naming itself that nobody else logged
   * writing: that counts as its own too.
   */
  private static void foreignReleases(List<Event> sorted, List<Violation> out, Clock clock) {
    Map<Long, Event> writerOf = new HashMap<>();
    for (Event e : sorted) {
      if (e.kind() == Kind.WRITE && e.revision() >= 0) {
        writerOf.putIfAbsent(e.revision(), e);
      }
    }
    Map<String, Set<Long>> ownWrites = new HashMap<>();
    Map<String, Map<Long, Event>> reads = new HashMap<>();
    for (Event e : sorted) {
      if (e.kind() == Kind.READ && e.revision() >= 0) {
        reads.computeIfAbsent(e.process(), p -> new HashMap<>()).putIfAbsent(e.revision(), e);
      }
      if (e.kind() != Kind.WRITE) {
        continue;
      }
      if (e.isRelease()) {
        long expected = e.expectedRevision();
        boolean wroteIt = ownWrites.getOrDefault(e.process(), Set.of()).contains(expected);
        Event read = reads.getOrDefault(e.process(), Map.of()).get(expected);
        Event writer = writerOf.get(expected);
        boolean lostReplyOfOwnWrite = read != null && read.holder().equals(e.identity())
            && (writer == null || writer.identity().equals(e.identity()));
        if (!wroteIt && !lostReplyOfOwnWrite) {
          String whose = writer != null
              ? "written by " + writer.process() + " (holder " + quoted(writer.holder()) + ") at " + clock.at(writer.nanos())
              : "whose writer logged no WRITE";
          String seen = read != null
              ? "; " + e.process() + " had read it at " + clock.at(read.nanos()) + " (holder " + quoted(read.holder()) + ")"
              : "";
          out.add(new Violation(Rule.FOREIGN_RELEASE, e.nanos(), e.process() + " released the lock at "
              + clock.at(e.nanos()) + " by an update over revision " + (expected < 0 ? "(none)" : expected) + ", "
              + whose + seen + "; transitions written " + e.transitions()
              + (writer != null && writer.transitions() >= 0 ? " over " + writer.transitions() : "")));
        }
      }
      if (e.revision() >= 0) {
        ownWrites.computeIfAbsent(e.process(), p -> new HashSet<>()).add(e.revision());
      }
    }
  }

  /** (f) An ACT later than the start of the process's last successful write of its own record + renewDeadline. */
  private void actsPastDeadline(List<Event> sorted, List<Violation> out, Clock clock) {
    long renewNanos = timings.renewDeadline().toNanos();
    Map<String, Long> lastOwnWriteStart = new HashMap<>();
    for (Event e : sorted) {
      if (e.kind() == Kind.WRITE && e.identity().equals(e.holder())) {
        lastOwnWriteStart.merge(e.process(), e.startNanos(), Math::max);
      } else if (e.kind() == Kind.ACT) {
        Long start = lastOwnWriteStart.get(e.process());
        if (start == null) {
          out.add(new Violation(Rule.ACT_PAST_DEADLINE, e.nanos(), e.process() + " acted with token " + e.token()
              + " at " + clock.at(e.nanos()) + " without any write of its own before", term(e), 0));
        } else if (e.nanos() - (start + renewNanos) > 0) {
          out.add(new Violation(Rule.ACT_PAST_DEADLINE, e.nanos(), e.process() + " acted with token " + e.token()
              + " at " + clock.at(e.nanos()) + ", " + millis(e.nanos() - start - renewNanos)
              + " after its validity deadline (its last successful write began at " + clock.at(start) + ")", term(e),
              e.nanos() - start - renewNanos));
        }
      }
    }
  }

  /** (d) Time from each leader fault (or a server's resumption) to the first START of a later term. */
  private Map<Injection, Long> failovers(List<Event> sorted, List<Injection> injections, List<Violation> out,
      Clock clock) {
    Map<Injection, Long> result = new HashMap<>();
    long bound = timings.failoverBound().toNanos();
    for (Injection injection : injections) {
      long from;
      if (injection.fault().failsOver()) {
        from = injection.startNanos();
      } else if (injection.fault() == Fault.SERVER_PAUSE) {
        from = injection.endNanos();
      } else {
        continue;
      }
      Event next = sorted.stream()
          .filter(e -> e.kind() == Kind.START && e.nanos() > from && e.token() > injection.leaderToken())
          .findFirst().orElse(null);
      String what = injection.fault().label() + " of " + injection.target() + " at " + clock.at(injection.startNanos())
          + (injection.fault().failsOver() ? "" : ", resumed at " + clock.at(from));
      if (next == null) {
        out.add(new Violation(Rule.SLOW_FAILOVER, injection.startNanos(), "no term started after the " + what));
        continue;
      }
      long took = next.nanos() - from;
      result.put(injection, took);
      if (took > bound) {
        out.add(new Violation(Rule.SLOW_FAILOVER, injection.startNanos(), next.process() + " started the next term "
            + millis(took) + " after the " + what + ", more than " + millis(bound)));
      }
    }
    return result;
  }

  /** (e) A short pause of the leader changes nothing: no new term, no end, and it acts and renews after. */
  private void shortPauses(List<Event> sorted, List<Injection> injections, List<Violation> out, Clock clock) {
    for (Injection injection : injections) {
      if (injection.fault() != Fault.LEADER_SHORT_PAUSE) {
        continue;
      }
      long from = injection.startNanos();
      long resumed = injection.endNanos();
      long until = resumed + timings.shortPauseWindow().toNanos();
      String leader = injection.leader();
      String identity = Event.identityOf(leader);
      String what = "a " + millis(resumed - from) + " pause of leader " + leader + " (token " + injection.leaderToken()
          + ") at " + clock.at(from);
      boolean acted = false;
      boolean renewed = false;
      for (Event e : sorted) {
        if (e.nanos() < from || e.nanos() > until) {
          continue;
        }
        if (e.kind() == Kind.START) {
          out.add(new Violation(Rule.SHORT_PAUSE_LOST, from, e.process() + " started a term (token " + e.token()
              + ") at " + clock.at(e.nanos()) + ", within " + what));
        } else if ((e.kind() == Kind.END || e.kind() == Kind.STOP) && e.process().equals(leader)) {
          out.add(new Violation(Rule.SHORT_PAUSE_LOST, from, leader + "'s term ended (" + e.kind() + ") at "
              + clock.at(e.nanos()) + ", after " + what));
        } else if (e.process().equals(leader) && e.nanos() > resumed) {
          acted |= e.kind() == Kind.ACT && e.token() == injection.leaderToken();
          renewed |= e.kind() == Kind.WRITE && identity.equals(e.holder());
        }
      }
      if (!acted || !renewed) {
        out.add(new Violation(Rule.SHORT_PAUSE_LOST, from, leader + (acted ? "" : " did not act")
            + (!acted && !renewed ? " and" : "") + (renewed ? "" : " did not renew") + " within "
            + millis(until - resumed) + " after " + what + " ended"));
      }
    }
  }

  private static String term(Event act) {
    return act.process() + "/" + act.token();
  }

  static String millis(long nanos) {
    return Math.round(nanos / 1e6) + " ms";
  }

  private static String quoted(String holder) {
    return holder == null || holder.isEmpty() ? "\"\"" : holder;
  }

  /** Times relative to the run's first event, for messages. */
  record Clock(long origin) {
    String at(long nanos) {
      return String.format(java.util.Locale.ROOT, "+%.3f s", (nanos - origin) / 1e9);
    }
  }
}
