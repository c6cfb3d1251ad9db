package dev.baton.cli;

import java.util.ArrayList;
import java.util.List;

/** Who led when in the demo, on the monotonic clock; counts overlapping terms. */
final class Timeline {
  /**
   * One term.
   *
   * @param identity the leader
   * @param startNanos when it started
   * @param endNanos when it ended, or -1 while open
   */
  record Term(String identity, long startNanos, long endNanos) {
  }

  private final long originNanos;
  private final List<Term> terms = new ArrayList<>();
  private String leader;
  private int overlaps;
  private long endNanos = -1;

  Timeline(long originNanos) {
    this.originNanos = originNanos;
  }

  synchronized void started(String identity) {
    if (leader != null) {
      overlaps++;
    }
    leader = identity;
    terms.add(new Term(identity, System.nanoTime(), -1));
  }

  /** Closes the identity's open term; false when it had none (onStoppedLeading without leading). */
  synchronized boolean stopped(String identity) {
    for (int i = terms.size() - 1; i >= 0; i--) {
      Term t = terms.get(i);
      if (t.identity().equals(identity) && t.endNanos() < 0) {
        terms.set(i, new Term(identity, t.startNanos(), System.nanoTime()));
        if (identity.equals(leader)) {
          leader = null;
        }
        return true;
      }
    }
    return false;
  }

  synchronized void end() {
    endNanos = System.nanoTime();
  }

  synchronized String leader() {
    return leader;
  }

  synchronized int terms() {
    return terms.size();
  }

  synchronized long lastStartNanos() {
    return terms.get(terms.size() - 1).startNanos();
  }

  synchronized int overlaps() {
    return overlaps;
  }

  synchronized List<Term> all() {
    return List.copyOf(terms);
  }

  long originNanos() {
    return originNanos;
  }

  synchronized long endNanos() {
    return endNanos < 0 ? System.nanoTime() : endNanos;
  }

  /** Seconds since the demo began. */
  double seconds() {
    return (System.nanoTime() - originNanos) / 1e9;
  }
}
