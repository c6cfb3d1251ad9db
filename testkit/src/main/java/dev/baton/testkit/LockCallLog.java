package dev.baton.testkit;

import dev.baton.leaderelection.resourcelock.ForwardingResourceLock;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apiguardian.api.API;

/**
 * What the candidates' locks did: each candidate's recent calls (get, create, update) with what was
 * written, when, how long they took and how they ended, plus a count of every call by outcome. The
 * kit's elector groups and {@link Candidates} wrap each candidate's lock with {@link #wrap} and append
 * {@link #report()} to a failure, so "no leader of term 2 within PT3.44S" comes with the calls and
 * outcomes around it.
 *
 * <p>Bounded: only the last {@value #CALLS_KEPT} calls of each candidate are kept in full; older ones
 * only count. Thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class LockCallLog {

  /** How many recent calls of each candidate are kept in full. */
  public static final int CALLS_KEPT = 8;

  private static final int MESSAGE_CHARS = 160;

  private final TimeDriver time;
  private final long originNanos;
  private final Map<String, Deque<Call>> recent = new LinkedHashMap<>();
  private final Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();

  /**
   * A log whose times count from now on {@code time}'s clock.
   *
   * @param time the clock the candidates run on
   */
  public LockCallLog(TimeDriver time) {
    this.time = time;
    this.originNanos = time.nanoTime();
  }

  /**
   * Wraps a candidate's lock so its get, create and update calls are noted here; the result is a
   * {@link dev.baton.leaderelection.resourcelock.WatchableResourceLock} exactly when {@code lock} is.
   *
   * @param candidate the candidate's name in the report
   * @param lock its lock
   * @return the noting lock
   */
  public ResourceLock wrap(String candidate, ResourceLock lock) {
    return ForwardingResourceLock.wrap(lock, (operation, record, call) -> {
      Call c = begin(candidate, operation, record);
      try {
        Object result = call.call();
        end(c, result instanceof ObservedRecord r ? "read " + summary(r.record()) : "ok");
        return result;
      } catch (Throwable t) {
        end(c, outcome(t));
        throw t;
      }
    });
  }

  /** Whether no call was noted. */
  public synchronized boolean isEmpty() {
    return counts.isEmpty();
  }

  /**
   * The report: per candidate, the count of its calls by outcome and its last calls, oldest first.
   *
   * @return the report, or an empty string when no call was noted
   */
  public synchronized String report() {
    if (counts.isEmpty()) {
      return "";
    }
    long now = time.nanoTime();
    StringBuilder b = new StringBuilder("What the locks did (each candidate's last ").append(CALLS_KEPT)
        .append(" calls; times since the test started, on its clock):");
    for (Map.Entry<String, Map<String, Integer>> e : counts.entrySet()) {
      int total = e.getValue().values().stream().mapToInt(Integer::intValue).sum();
      b.append("\n  ").append(e.getKey()).append(": ").append(total).append(" calls ").append(e.getValue());
      for (Call c : recent.get(e.getKey())) {
        b.append("\n    +").append(seconds(c.startNanos - originNanos)).append(' ').append(c.what).append(" -> ");
        if (c.outcome == null) {
          b.append("no answer yet, after ").append(seconds(now - c.startNanos));
        } else {
          b.append(c.outcome).append(" (").append(seconds(c.endNanos - c.startNanos)).append(')');
        }
      }
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return report();
  }

  private synchronized Call begin(String candidate, ForwardingResourceLock.Operation operation,
      LeaderElectionRecord record) {
    String op = operation.name().toLowerCase(Locale.ROOT);
    Call c = new Call(candidate, op, op + (record == null ? "()" : "(" + summary(record) + ")"), time.nanoTime());
    Deque<Call> calls = recent.computeIfAbsent(candidate, k -> new ArrayDeque<>());
    if (calls.size() == CALLS_KEPT) {
      calls.removeFirst();
    }
    calls.addLast(c);
    counts.computeIfAbsent(candidate, k -> new TreeMap<>());
    return c;
  }

  private synchronized void end(Call c, String outcome) {
    c.endNanos = time.nanoTime();
    c.outcome = outcome;
    String kind = c.operation + " " + (outcome.startsWith("read ") ? "ok" : outcome.split(":", 2)[0]);
    counts.get(c.candidate).merge(kind, 1, Integer::sum);
  }

  private static String outcome(Throwable t) {
    String message = String.valueOf(t.getMessage());
    if (message.length() > MESSAGE_CHARS) {
      message = message.substring(0, MESSAGE_CHARS) + "...";
    }
    return t.getClass().getSimpleName() + ": " + message;
  }

  private static String summary(LeaderElectionRecord r) {
    return "holder '" + r.holderIdentity() + "', transitions " + r.leaderTransitions() + ", "
        + r.leaseDurationSeconds() + " s";
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.3fs", nanos / 1e9);
  }

  /** One call: what it was, when it started and ended, how it ended (null while it runs). */
  private static final class Call {
    final String candidate;
    final String operation;
    final String what;
    final long startNanos;
    long endNanos;
    String outcome;

    Call(String candidate, String operation, String what, long startNanos) {
      this.candidate = candidate;
      this.operation = operation;
      this.what = what;
      this.startNanos = startNanos;
    }
  }
}
