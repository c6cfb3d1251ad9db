package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The record of who led when: each candidate's intervals from the start of
 * {@code onStartedLeading} to the end of {@code onStoppedLeading}, on a {@link TimeDriver}'s clock.
 * A start while another candidate's interval is open is an overlap, noted at once and reported by
 * {@link #assertNoOverlap()}.
 *
 * <p>Thread-safe. {@code onStoppedLeading} without an open interval (client-go calls it on every
 * exit of a run, leading or not) is ignored.
 */
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
    long now = time.nanoTime();
    if (!open.isEmpty()) {
      overlaps.add(identity + " started leading at " + at(now) + " while " + open.keySet() + " still led");
    }
    open.put(identity, terms.size());
    terms.add(new Term(identity, fencingToken, now, -1));
  }

  /**
   * Notes that {@code identity}'s onStoppedLeading finished.
   *
   * @param identity the candidate
   */
  public synchronized void stopped(String identity) {
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
    return open.size() == 1 ? Optional.of(open.keySet().iterator().next()) : Optional.empty();
  }

  /** How many terms are open now. */
  public synchronized int openTerms() {
    return open.size();
  }

  /** How many terms started so far. */
  public synchronized int termCount() {
    return terms.size();
  }

  /** The latest term, if any started. */
  public synchronized Optional<Term> lastTerm() {
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
