package dev.baton.leaderelection;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.UpdateConflictException;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * client-go's {@code release}, as one lock call that reads, checks and writes: the record becomes
 * holder {@code ""}, leaseDurationSeconds 1, acquireTime = renewTime = now, with the
 * leaderTransitions of the record just read.
 *
 * <p>It writes only over a record of this elector's own term, and its compare-and-set is against the
 * version of the read it just made. Nothing it relies on comes from earlier calls, so a read that an
 * earlier, abandoned call made (after a long pause, say) cannot make it overwrite a record that
 * another holder wrote since. A conflict (someone wrote between the read and the write) reads again.
 */
final class ReleaseAttempt implements Callable<ReleaseAttempt.Result> {
  static final int MAX_CONFLICTS = 5;

  /** What the release found and did. */
  sealed interface Result {
  }

  /** The record was released; {@code record} is what was written. */
  record Released(LeaderElectionRecord record) implements Result {
  }

  /** The record is no longer this elector's term (another holder, released, or another process under this identity). */
  record NotOurs(ObservedRecord current) implements Result {
  }

  /** There is no record to release. */
  record Absent() implements Result {
  }

  /** Every write conflicted with another writer; nothing was released. */
  record GaveUp(String why) implements Result {
  }

  private final ResourceLock lock;
  private final ElectionRuntime runtime;
  private final OwnTerms ownTerms;

  ReleaseAttempt(ResourceLock lock, ElectionRuntime runtime, OwnTerms ownTerms) {
    this.lock = lock;
    this.runtime = runtime;
    this.ownTerms = ownTerms;
  }

  @Override
  public Result call() throws LockException {
    String lastConflict = "";
    for (int i = 0; i < MAX_CONFLICTS; i++) {
      ObservedRecord current;
      try {
        current = lock.get();
      } catch (RecordNotFoundException e) {
        return new Absent();
      }
      LeaderElectionRecord read = current.record();
      if (!read.holderIdentity().equals(lock.identity()) || !ownTerms.contains(read)) {
        return new NotOurs(current);
      }
      Instant now = runtime.now();
      LeaderElectionRecord released = LeaderElectionRecord.of("", 1, now, now, read.leaderTransitions());
      try {
        lock.update(released);
        return new Released(released);
      } catch (UpdateConflictException conflict) {
        lastConflict = conflict.getMessage();
      }
    }
    return new GaveUp("every one of " + MAX_CONFLICTS + " writes conflicted; last: " + lastConflict);
  }
}
