package dev.baton.leaderelection;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
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
   * to use the slow path, the store revision after a successful write, and why it failed.
   */
  record Outcome(boolean succeeded, Observation observation, boolean slowPath, OptionalLong revision,
      String failure) {
  }

  private final ResourceLock lock;
  private final String identity;
  private final int leaseDurationSeconds;
  private final ElectionRuntime runtime;
  private final boolean leading;
  private Observation observed;

  /**
   * @param leading whether the elector leads now (renews its term); otherwise a success starts a
   *     new term, even on a record that still names this candidate
   */
  AcquireOrRenewAttempt(ResourceLock lock, int leaseDurationSeconds, ElectionRuntime runtime, Observation observed,
      boolean leading) {
    this.lock = lock;
    this.leading = leading;
    this.identity = lock.identity();
    this.leaseDurationSeconds = leaseDurationSeconds;
    this.runtime = runtime;
    this.observed = observed;
  }

  @Override
  public Outcome call() {
    Instant now = runtime.now();
    long nowNanos = runtime.nanoTime();
    LeaderElectionRecord desired = LeaderElectionRecord.of(identity, leaseDurationSeconds, now, now, 0);

    // 1. Fast path: a leader whose lease is still valid updates optimistically, without reading.
    if (observed.isHeldBy(identity) && observed.isLeaseValid(nowNanos)) {
      LeaderElectionRecord renewal = leading ? keepTerm(desired, observed.record()) : newTerm(desired, observed.record());
      try {
        lock.update(renewal);
        return succeeded(renewal, false);
      } catch (LockException e) {
        LOG.debug("Failed to update lock {} optimistically, falling back to the slow path: {}",
            lock.describe(), e.getMessage());
      }
    }

    // 2. Obtain the record, or create it.
    ObservedRecord current;
    try {
      current = lock.get();
    } catch (RecordNotFoundException notFound) {
      try {
        lock.create(desired);
        return succeeded(desired, false);
      } catch (LockException e) {
        return failed("error initially creating the leader election record: " + e.getMessage());
      }
    } catch (LockException e) {
      return failed("error retrieving resource lock " + lock.describe() + ": " + e.getMessage());
    }

    // 3. Record obtained: note when it last changed, then check holder and time.
    LeaderElectionRecord old = current.record();
    if (!Arrays.equals(observed.raw(), current.raw())) {
      observed = new Observation(old, current.raw(), runtime.nanoTime());
    }
    if (!old.holderIdentity().isEmpty() && observed.isLeaseValid(nowNanos) && !observed.isHeldBy(identity)) {
      return failed("lock is held by " + old.holderIdentity() + " and has not yet expired");
    }

    // 4. Update: a renewing leader keeps its acquire time and transitions; a new term counts one more
    //    (client-go counts only a change of holder; Baton also a candidate taking its own record back
    //    after its term ended, so every term's write changes the record and its fencing token grows).
    boolean slowPath = leading && observed.isHeldBy(identity);
    LeaderElectionRecord next = slowPath ? keepTerm(desired, old) : newTerm(desired, old);
    try {
      lock.update(next);
    } catch (LockException e) {
      return failed("failed to update lock " + lock.describe() + ": " + e.getMessage());
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
    return new Outcome(true, observed, slowPath, lock.revision(), null);
  }

  private Outcome failed(String why) {
    return new Outcome(false, observed, false, OptionalLong.empty(), why);
  }
}
