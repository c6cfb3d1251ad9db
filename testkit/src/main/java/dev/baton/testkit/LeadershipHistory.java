package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.leaderelection.LeaderContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * The record of who led when: each candidate's intervals from the start of
 * {@code onStartedLeading} to the end of {@code onStoppedLeading}, on a {@link TimeDriver}'s clock.
 * A start while another candidate's interval is open is an overlap, noted at once and reported by
 * {@link #assertNoOverlap()}.
 *
 * <p>A term started with its {@link LeaderContext} ends no later than the context's validity deadline:
 * past it, {@link LeaderContext#isLeading()} is false whether or not the elector has run since (a
 * frozen process), so the term is closed at the deadline. Leaders that note their actions with
 * {@link #acted} are checked by {@link #assertNoLateActs()}: no action with a fencing token after an
 * action with a greater one began.
 *
 * <p>Thread-safe. {@code onStoppedLeading} without an open interval (client-go calls it on every
 * exit of a run, leading or not) is ignored.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class LeadershipHistory {

  /**
   * One leadership term.
   *
   * @param identity the leader
   * @param fencingToken the term's fencing token
   * @param startNanos when onStartedLeading began, on the driver's clock
   * @param endNanos when onStoppedLeading ended, or -1 while the term is open
   */
  public record Term(String identity, long fencingToken, long startNanos, long endNanos) {
    /** Whether the term has not ended. */
    public boolean isOpen() {
      return endNanos < 0;
    }
  }

  private final TimeDriver time;
  private final List<Term> terms = new ArrayList<>();
  private final Map<String, Integer> open = new LinkedHashMap<>();
  private final List<String> overlaps = new ArrayList<>();
  private final Map<Integer, LeaderContext> contexts = new HashMap<>();
  private final List<String> lateActs = new ArrayList<>();
  private long greatestActedToken = Long.MIN_VALUE;
  private long greatestActedNanos;
  private long acts;

  /**
   * A history on {@code time}'s clock.
   *
   * @param time the clock
   */
  public LeadershipHistory(TimeDriver time) {
    this.time = time;
  }

  /**
   * Notes that {@code identity} started leading.
   *
   * @param identity the candidate
   * @param fencingToken its term's fencing token
   */
  public synchronized void started(String identity, long fencingToken) {
    start(identity, fencingToken, null);
  }

  /**
   * Notes that {@code identity} started leading the term {@code context}; the term ends at the
   * latest at the context's validity deadline.
   *
   * @param identity the candidate
   * @param context its term
   */
  public synchronized void started(String identity, LeaderContext context) {
    start(identity, context.fencingToken(), context);
  }

  /**
   * Notes an action of a leader, taken after its check of {@link LeaderContext#isLeading()} passed.
   *
   * @param identity the candidate
   * @param fencingToken the token of the term it acted in
   */
  public synchronized void acted(String identity, long fencingToken) {
    long now = time.nanoTime();
    acts++;
    if (fencingToken < greatestActedToken) {
      lateActs.add(identity + " acted with fencing token " + fencingToken + " at " + at(now)
          + ", after an action with token " + greatestActedToken + " (at " + at(greatestActedNanos) + ")");
    } else if (fencingToken > greatestActedToken) {
      greatestActedToken = fencingToken;
      greatestActedNanos = now;
    }
  }

  /** How many actions were noted with {@link #acted}. */
  public synchronized long actCount() {
    return acts;
  }

  /** Fails when an action came with a smaller fencing token than an earlier action's, naming both. */
  public synchronized void assertNoLateActs() {
    if (!lateActs.isEmpty()) {
      fail(lateActs.size() + " late actions, the first: " + lateActs.subList(0, Math.min(3, lateActs.size()))
          + "; history: " + this);
    }
  }

  private void start(String identity, long fencingToken, LeaderContext context) {
    long now = time.nanoTime();
    closeExpired(now);
    if (!open.isEmpty()) {
      overlaps.add(identity + " started leading at " + at(now) + " while " + open.keySet() + " still led");
    }
    open.put(identity, terms.size());
    if (context != null) {
      contexts.put(terms.size(), context);
    }
    terms.add(new Term(identity, fencingToken, now, -1));
  }

  /** Closes, at their deadline, the open terms whose validity deadline has passed. */
  private void closeExpired(long now) {
    open.entrySet().removeIf(e -> {
      LeaderContext c = contexts.get(e.getValue());
      if (c == null || c.deadlineNanos() - now > 0) {
        return false;
      }
      Term t = terms.get(e.getValue());
      terms.set(e.getValue(), new Term(t.identity(), t.fencingToken(), t.startNanos(), c.deadlineNanos()));
      return true;
    });
  }

  /**
   * Notes that {@code identity}'s onStoppedLeading finished.
   *
   * @param identity the candidate
   */
  public synchronized void stopped(String identity) {
    closeExpired(time.nanoTime());
    Integer index = open.remove(identity);
    if (index != null) {
      Term t = terms.get(index);
      terms.set(index, new Term(t.identity(), t.fencingToken(), t.startNanos(), time.nanoTime()));
    }
  }

  /** The terms so far, in the order they started. */
  public synchronized List<Term> terms() {
    return List.copyOf(terms);
  }

  /** The candidate whose term is open, if exactly one is. */
  public synchronized Optional<String> currentLeader() {
    closeExpired(time.nanoTime());
    return open.size() == 1 ? Optional.of(open.keySet().iterator().next()) : Optional.empty();
  }

  /** How many terms are open now. */
  public synchronized int openTerms() {
    closeExpired(time.nanoTime());
    return open.size();
  }

  /** How many terms started so far. */
  public synchronized int termCount() {
    return terms.size();
  }

  /** The latest term, if any started. */
  public synchronized Optional<Term> lastTerm() {
    closeExpired(time.nanoTime());
    return terms.isEmpty() ? Optional.empty() : Optional.of(terms.get(terms.size() - 1));
  }

  /** Fails when any two terms overlapped, naming them. */
  public synchronized void assertNoOverlap() {
    if (!overlaps.isEmpty()) {
      fail("two candidates led at once: " + overlaps + "; history: " + this);
    }
  }

  /** Fails unless every fencing token is greater than the one of the term before. */
  public synchronized void assertFencingTokensIncrease() {
    for (int i = 1; i < terms.size(); i++) {
      if (terms.get(i).fencingToken() <= terms.get(i - 1).fencingToken()) {
        fail("fencing token of term " + (i + 1) + " (" + terms.get(i) + ") is not greater than the one before ("
            + terms.get(i - 1) + ")");
      }
    }
  }

  private String at(long nanos) {
    return Duration.ofNanos(nanos).toString();
  }

  @Override
  public synchronized String toString() {
    StringBuilder b = new StringBuilder("[");
    for (Term t : terms) {
      b.append(t.identity()).append(" from ").append(at(t.startNanos())).append(" to ")
          .append(t.isOpen() ? "now" : at(t.endNanos())).append(" (token ").append(t.fencingToken()).append("); ");
    }
    return b.append("]").toString();
  }
}
