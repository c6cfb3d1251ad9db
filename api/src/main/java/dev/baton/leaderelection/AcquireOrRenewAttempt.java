package dev.baton.leaderelection;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.RecordAlreadyExistsException;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.UpdateConflictException;
import java.time.Instant;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of client-go's {@code tryAcquireOrRenew}, step by step, on a lock-call thread. It works
 * on its own copy of the elector's observation and hands the result back; the elector adopts it
 * only if the attempt is still current, so a late answer cannot change a newer state.
 *
 * <p>A lock instance caches the version its next {@code update} compares against, and every
 * {@code get} moves it. So an attempt writes without reading first (the fast path) only when the
 * elector says every earlier lock call was adopted ({@code fastPathAllowed}); otherwise the version
 * may have been moved by a call whose result was thrown away, and the attempt reads first, so the
 * version it writes against and the record it judged come from the same read.
 */
final class AcquireOrRenewAttempt implements Callable<AcquireOrRenewAttempt.Outcome> {
  private static final Logger LOG = LoggerFactory.getLogger(AcquireOrRenewAttempt.class);

  /** What this elector last saw of the record, and when (monotonic nanoseconds). */
  record Observation(LeaderElectionRecord record, byte[] raw, long observedNanos) {
    static final Observation NONE = new Observation(LeaderElectionRecord.of("", 0, null, null, 0), new byte[0], 0);

    Observation withRecord(LeaderElectionRecord newRecord, long nanos) {
      return new Observation(newRecord, raw, nanos);
    }

    boolean isHeldBy(String identity) {
      return record.holderIdentity().equals(identity);
    }

    /** client-go's isLeaseValid: observed time plus the record's own lease duration is after now. */
    boolean isLeaseValid(long nowNanos) {
      return expiryNanos() - nowNanos > 0;
    }

    long expiryNanos() {
      return observedNanos + record.leaseDurationSeconds() * 1_000_000_000L;
    }
  }

  /**
   * The result: whether this candidate holds the lock now, what it observed, whether a leader had
   * to use the slow path, the store revision after a successful write, why it failed, and whether
   * the record named this candidate's identity although this elector did not write it.
   */
  record Outcome(boolean succeeded, Observation observation, boolean slowPath, OptionalLong revision,
      String failure, Foreign foreign, boolean storeError) {
  }

  /** Whether the record read named this identity without being this elector's own term. */
  enum Foreign {
    /** The record is this elector's own, or names someone else, or none was read. */
    NO,
    /** The record names this identity, was written by someone else, and had not changed since the last look. */
    SEEN,
    /** As {@link #SEEN}, and it changed since this elector last looked: someone wrote it just now. */
    CHANGED
  }

  private final ResourceLock lock;
  private final String identity;
  private final int leaseDurationSeconds;
  private final ElectionRuntime runtime;
  private final boolean leading;
  private final boolean fastPathAllowed;
  private final OwnTerms ownTerms;
  private Observation observed;
  private final long termDeadlineNanos;
  /** When {@link #call()} began, on the lock-call thread; read once its outcome was handed over. */
  private volatile long startedNanos;

  private boolean termOver() {
    return leading && runtime.nanoTime() - termDeadlineNanos >= 0;
  }

  /**
   * @param termDeadlineNanos while the elector leads, its term's validity deadline: the attempt
   *     renews the term, and writes nothing once the deadline passed (a renewal handed to a lock
   *     thread just before a pause; a late renewal would only make the followers wait a lease
   *     longer); {@link Long#MAX_VALUE} while acquiring: a success starts a new term, even on a
   *     record that still names this candidate
   * @param fastPathAllowed whether the lock's cached version is known to belong to {@code observed}
   * @param ownTerms the terms this elector wrote, to tell its own records from another process's
   *     records under the same identity
   */
  AcquireOrRenewAttempt(ResourceLock lock, int leaseDurationSeconds, ElectionRuntime runtime, Observation observed,
      long termDeadlineNanos, boolean fastPathAllowed, OwnTerms ownTerms) {
    this.lock = lock;
    this.termDeadlineNanos = termDeadlineNanos;
    this.leading = termDeadlineNanos != Long.MAX_VALUE;
    this.fastPathAllowed = fastPathAllowed;
    this.ownTerms = ownTerms;
    this.identity = lock.identity();
    this.leaseDurationSeconds = leaseDurationSeconds;
    this.runtime = runtime;
    this.observed = observed;
  }

  /**
   * When the attempt began to run: after any wait for a lock-call thread, and before anything it
   * wrote. A term timed from here ends no later than a lease timed by any other candidate from its
   * sight of the write. Valid once {@link #call()} returned.
   */
  long startedNanos() {
    return startedNanos;
  }

  @Override
  public Outcome call() {
    Instant now = runtime.now();
    long nowNanos = runtime.nanoTime();
    startedNanos = nowNanos;
    LeaderElectionRecord desired = LeaderElectionRecord.of(identity, leaseDurationSeconds, now, now, 0);

    // 1. Fast path: a leader whose lease is still valid updates optimistically, without reading.
    if (termOver()) {
      return failed("the term's deadline passed before its renewal could be sent", Foreign.NO);
    }
    if (fastPathAllowed && observed.isHeldBy(identity) && ownTerms.contains(observed.record())
        && observed.isLeaseValid(nowNanos)) {
      LeaderElectionRecord renewal = leading ? keepTerm(desired, observed.record()) : newTerm(desired, observed.record());
      boolean isNew = ownTerms.addNew(renewal);
      try {
        lock.update(renewal);
        return succeeded(renewal, false);
      } catch (LockException e) {
        if (isNew && e instanceof UpdateConflictException) {
          ownTerms.forget(renewal);   // a new term that lost the race is not this elector's
        }
        LOG.debug("Failed to update lock {} optimistically, falling back to the slow path: {}",
            lock.describe(), e.getMessage());
      }
    }

    // 2. Obtain the record, or create it.
    ObservedRecord current;
    try {
      current = lock.get();
    } catch (RecordNotFoundException notFound) {
      boolean isNew = ownTerms.addNew(desired);
      try {
        lock.create(desired);
        return succeeded(desired, false);
      } catch (LockException e) {
        if (isNew && e instanceof RecordAlreadyExistsException) {
          ownTerms.forget(desired);
        }
        return failed("error initially creating the leader election record: " + e.getMessage(), Foreign.NO,
            !(e instanceof RecordAlreadyExistsException));
      }
    } catch (LockException e) {
      return failed("error retrieving resource lock " + lock.describe() + ": " + e.getMessage(), Foreign.NO, true);
    }

    // 3. Record obtained: note when it last changed, then check holder and time.
    LeaderElectionRecord old = current.record();
    boolean changed = !Arrays.equals(observed.raw(), current.raw());
    if (changed) {
      observed = new Observation(old, current.raw(), runtime.nanoTime());
    }
    boolean namesMe = old.holderIdentity().equals(identity);
    boolean mine = namesMe && ownTerms.contains(old);
    if (namesMe && !mine) {
      // Another process writes under this identity (or a crashed earlier run of it did): its record
      // is treated as another holder's, and a leader that finds it has lost its term to it.
      Foreign foreign = changed ? Foreign.CHANGED : Foreign.SEEN;
      if (leading) {
        return failed("the record names this candidate (" + identity + ") but was not written by this elector: "
            + "another process uses the same identity", foreign);
      }
      if (observed.isLeaseValid(nowNanos)) {
        return failed("lock is held by another process with this candidate's identity " + identity
            + " and has not yet expired", foreign);
      }
    } else if (!old.holderIdentity().isEmpty() && !mine && observed.isLeaseValid(nowNanos)) {
      return failed("lock is held by " + old.holderIdentity() + " and has not yet expired", Foreign.NO);
    }

    // 4. Update: a renewing leader keeps its acquire time and transitions; a new term counts one more
    //    (client-go counts only a change of holder; Baton also a candidate taking its own record back
    //    after its term ended, so every term's write changes the record and its fencing token grows).
    boolean slowPath = leading && mine;
    LeaderElectionRecord next = slowPath ? keepTerm(desired, old) : newTerm(desired, old);
    if (termOver()) {
      return failed("the term's deadline passed before its renewal could be sent", Foreign.NO);
    }
    boolean isNew = ownTerms.addNew(next);
    try {
      lock.update(next);
    } catch (LockException e) {
      if (isNew && e instanceof UpdateConflictException) {
        ownTerms.forget(next);
      }
      return failed("failed to update lock " + lock.describe() + ": " + e.getMessage(), Foreign.NO,
          !(e instanceof UpdateConflictException));
    }
    return succeeded(next, slowPath);
  }

  private static LeaderElectionRecord keepTerm(LeaderElectionRecord desired, LeaderElectionRecord previous) {
    return new LeaderElectionRecord(desired.holderIdentity(), desired.leaseDurationSeconds(),
        previous.acquireTime(), desired.renewTime(), previous.leaderTransitions(), desired.strategy(),
        desired.preferredHolder());
  }

  private static LeaderElectionRecord newTerm(LeaderElectionRecord desired, LeaderElectionRecord previous) {
    return desired.withLeaderTransitions(previous.leaderTransitions() + 1);
  }

  private Outcome succeeded(LeaderElectionRecord written, boolean slowPath) {
    observed = observed.withRecord(written, runtime.nanoTime());
    return new Outcome(true, observed, slowPath, lock.revision(), null, Foreign.NO, false);
  }

  private Outcome failed(String why, Foreign foreign) {
    return failed(why, foreign, false);
  }

  /** @param storeError whether the store failed (unreachable, refused, corrupt), not a lost race or another's lease */
  private Outcome failed(String why, Foreign foreign, boolean storeError) {
    return new Outcome(false, observed, false, OptionalLong.empty(), why, foreign, storeError);
  }
}
