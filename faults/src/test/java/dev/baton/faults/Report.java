package dev.baton.faults;

import dev.baton.faults.SafetyChecker.Rule;
import dev.baton.faults.SafetyChecker.Timings;
import dev.baton.faults.SafetyChecker.Violation;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@link SafetyChecker} found: per fault, the injections, failover times and the breaches of
 * each rule (a breach counts against the last fault injected before it), then the breaches
 * themselves.
 */
final class Report {
  private static final int SHOWN_PER_RULE = 12;

  private final Timings timings;
  private final List<Injection> injections;
  private final Map<Injection, Long> failovers;
  private final List<Violation> violations;
  private final long origin;

  Report(Timings timings, List<Injection> injections, Map<Injection, Long> failovers, List<Violation> violations,
      long origin) {
    this.timings = timings;
    this.injections = List.copyOf(injections);
    this.failovers = Map.copyOf(failovers);
    this.violations = List.copyOf(violations);
    this.origin = origin;
  }

  /** Every breach, in time order. */
  List<Violation> violations() {
    return violations;
  }

  /** The breaches of one rule. */
  List<Violation> violations(Rule rule) {
    return violations.stream().filter(v -> v.rule() == rule).toList();
  }

  /** Whether every rule held. */
  boolean passed() {
    return violations.isEmpty();
  }

  /** Failover times in nanoseconds of one fault, in injection order. */
  List<Long> failovers(Fault fault) {
    return injections.stream().filter(i -> i.fault() == fault && failovers.containsKey(i)).map(failovers::get).toList();
  }

  /** The fault a breach counts against: the last injected at or before it, null before the first. */
  Fault faultOf(Violation violation) {
    Fault fault = null;
    for (Injection injection : injections) {
      if (injection.startNanos() <= violation.nanos()) {
        fault = injection.fault();
      }
    }
    return fault;
  }

  /**
   * One line per fault (and one for breaches before any fault), for CI logs.
   *
   * @param backend the backend's name, as a prefix
   * @return the lines
   */
  List<String> summaryLines(String backend) {
    Map<Fault, List<Violation>> byFault = new EnumMap<>(Fault.class);
    List<Violation> beforeFaults = new ArrayList<>();
    for (Violation v : violations) {
      Fault f = faultOf(v);
      (f == null ? beforeFaults : byFault.computeIfAbsent(f, k -> new ArrayList<>())).add(v);
    }
    List<String> lines = new ArrayList<>();
    for (Fault fault : Fault.values()) {
      long n = injections.stream().filter(i -> i.fault() == fault).count();
      if (n == 0) {
        continue;
      }
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "faults[%s] %-18s injections=%d", backend,
          fault.label(), n));
      if (fault.failsOver() || fault == Fault.SERVER_PAUSE) {
        List<Long> times = failovers(fault);
        line.append(fault == Fault.SERVER_PAUSE ? " takeover-after-resume(ms)=" : " failover(ms)=")
            .append(times.isEmpty() ? "none" : minMedianMax(times))
            .append(" bound=").append(timings.failoverBound().toMillis());
      }
      appendCounts(line, byFault.getOrDefault(fault, List.of()));
      lines.add(line.toString());
    }
    if (!beforeFaults.isEmpty()) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "faults[%s] %-18s", backend, "before-faults"));
      appendCounts(line, beforeFaults);
      lines.add(line.toString());
    }
    lines.add(String.format(Locale.ROOT, "faults[%s] %s: %d injections, %d violations", backend,
        passed() ? "PASSED" : "FAILED", injections.size(), violations.size()));
    return lines;
  }

  /** The summary lines, then the breaches of each rule (the first few of each). */
  String describe(String backend) {
    StringBuilder sb = new StringBuilder();
    summaryLines(backend).forEach(l -> sb.append(l).append('\n'));
    for (Rule rule : Rule.values()) {
      List<Violation> of = violations(rule);
      if (of.isEmpty()) {
        continue;
      }
      sb.append("rule (").append(rule.letter()).append(") ").append(rule.label()).append(": ").append(of.size())
          .append('\n');
      of.stream().limit(SHOWN_PER_RULE).forEach(v -> sb.append("  [").append(label(faultOf(v))).append("] ")
          .append(v.description()).append('\n'));
      if (of.size() > SHOWN_PER_RULE) {
        sb.append("  ... and ").append(of.size() - SHOWN_PER_RULE).append(" more\n");
      }
    }
    sb.append("injections (times from the first event):\n");
    SafetyChecker.Clock clock = new SafetyChecker.Clock(origin);
    for (Injection i : injections) {
      sb.append("  ").append(clock.at(i.startNanos())).append(' ').append(i.fault().label()).append(" of ")
          .append(i.target()).append(" (leader ").append(i.leader()).append(", token ").append(i.leaderToken())
          .append(')');
      if (i.endNanos() != i.startNanos()) {
        sb.append(", healed ").append(clock.at(i.endNanos()));
      }
      if (failovers.containsKey(i)) {
        sb.append(", next term after ").append(SafetyChecker.millis(failovers.get(i)));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Each rule's count; for acts, also in how many terms and how late at most. */
  private static void appendCounts(StringBuilder line, List<Violation> of) {
    for (Rule rule : Rule.values()) {
      List<Violation> mine = of.stream().filter(v -> v.rule() == rule).toList();
      line.append(' ').append(rule.label()).append('=').append(mine.size());
      if (!mine.isEmpty() && mine.get(0).term() != null) {
        long terms = mine.stream().map(Violation::term).distinct().count();
        long worst = mine.stream().mapToLong(Violation::lateNanos).max().orElse(0);
        line.append(" (").append(terms).append(terms == 1 ? " term" : " terms").append(", up to ")
            .append(SafetyChecker.millis(worst)).append(')');
      }
    }
  }

  private static String label(Fault fault) {
    return fault == null ? "before-faults" : fault.label();
  }

  static String minMedianMax(List<Long> nanos) {
    List<Long> sorted = nanos.stream().sorted().toList();
    int n = sorted.size();
    double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    return List.of((double) sorted.get(0), median, (double) sorted.get(n - 1)).stream()
        .map(v -> Long.toString(Math.round(v / 1e6))).collect(Collectors.joining("/"));
  }
}
