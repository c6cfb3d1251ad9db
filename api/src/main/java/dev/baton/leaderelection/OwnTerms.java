package dev.baton.leaderelection;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The terms one elector wrote, so that it can tell its own records from records another process
 * wrote under the same identity (a misconfiguration, or a crashed earlier run of this candidate).
 *
 * <p>A term is known by its holder, its leaderTransitions and its acquireTime to the second (the
 * coarsest precision any store keeps): renewals keep all three, and every new term changes
 * leaderTransitions. A term is noted before its write is sent, so a write whose answer was lost
 * (a timeout) is still recognised as this elector's own when it is read back; a new term whose write
 * definitely failed (a lost compare-and-set, a record that already existed) is forgotten, so a twin
 * that lost a race to another process with the same identity does not take that process's term for
 * its own. Only the last few terms are kept. Thread-safe: attempts run on lock-call threads.
 */
final class OwnTerms {
  private static final int KEPT = 8;

  private record Term(String holder, int leaderTransitions, long acquireSecond) {
    static Term of(LeaderElectionRecord r) {
      Instant acquired = r.acquireTime();
      return new Term(r.holderIdentity(), r.leaderTransitions(), acquired == null ? Long.MIN_VALUE : acquired.getEpochSecond());
    }
  }

  private final Deque<Term> terms = new ArrayDeque<>();

  /** Notes that this elector is about to write {@code record}. */
  synchronized void add(LeaderElectionRecord record) {
    Term t = Term.of(record);
    if (!t.equals(terms.peekLast())) {
      terms.remove(t);
      terms.addLast(t);
      if (terms.size() > KEPT) {
        terms.removeFirst();
      }
    }
  }

  /** Notes a term about to be written; returns whether it was new (so a definite failure may forget it). */
  synchronized boolean addNew(LeaderElectionRecord record) {
    boolean isNew = !terms.contains(Term.of(record));
    add(record);
    return isNew;
  }

  /** Forgets a term whose write definitely did not happen (a lost compare-and-set, an existing record). */
  synchronized void forget(LeaderElectionRecord record) {
    terms.remove(Term.of(record));
  }

  /** Whether {@code record} belongs to a term this elector wrote. */
  synchronized boolean contains(LeaderElectionRecord record) {
    return terms.contains(Term.of(record));
  }
}
