package dev.baton.leaderelection.resourcelock;

import java.time.Instant;
import java.util.Objects;

/**
 * The record stored in a lock (client-go's {@code resourcelock.LeaderElectionRecord}). Immutable.
 *
 * <p>Its JSON form, written and read by {@link LeaderElectionRecordCodec}, is byte-compatible with
 * what client-go's {@code json.Marshal} produces: the keys {@code holderIdentity},
 * {@code leaseDurationSeconds}, {@code acquireTime}, {@code renewTime}, {@code leaderTransitions},
 * {@code strategy} and {@code preferredHolder}, in that order, none omitted; times in RFC 3339 at
 * second precision in UTC, and the zero time as {@code null}.
 *
 * <p>A {@code null} time is Go's zero time ("never"). Times keep whatever precision they are given
 * (a Kubernetes Lease stores microseconds); only the JSON form truncates them to seconds.
 *
 * @param holderIdentity the identity of the current holder; {@code ""} when nobody holds the lock
 *     (after a release), in which case any candidate may acquire it at once
 * @param leaseDurationSeconds how long, in seconds, other candidates wait after they last saw the
 *     record change before they may take the lock over; never negative
 * @param acquireTime when the current holder acquired the lock, or {@code null}
 * @param renewTime when the current holder last renewed the lock, or {@code null}
 * @param leaderTransitions how many times the lock changed holder; never negative
 * @param strategy the coordinated leader election strategy, {@code ""} when not used
 * @param preferredHolder the holder a coordinated election prefers, {@code ""} when not used
 */
public record LeaderElectionRecord(
    String holderIdentity,
    int leaseDurationSeconds,
    Instant acquireTime,
    Instant renewTime,
    int leaderTransitions,
    String strategy,
    String preferredHolder) {

  /** Go's zero {@code time.Time}, 0001-01-01T00:00:00Z: read as {@code null}. */
  static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  /**
   * Normalises absent strings to {@code ""} and Go's zero time to {@code null}, and rejects
   * negative counts.
   */
  public LeaderElectionRecord {
    holderIdentity = Objects.requireNonNullElse(holderIdentity, "");
    strategy = Objects.requireNonNullElse(strategy, "");
    preferredHolder = Objects.requireNonNullElse(preferredHolder, "");
    acquireTime = GO_ZERO_TIME.equals(acquireTime) ? null : acquireTime;
    renewTime = GO_ZERO_TIME.equals(renewTime) ? null : renewTime;
    if (leaseDurationSeconds < 0) {
      throw new IllegalArgumentException(
          "leaseDurationSeconds must not be negative, was " + leaseDurationSeconds);
    }
    if (leaderTransitions < 0) {
      throw new IllegalArgumentException(
          "leaderTransitions must not be negative, was " + leaderTransitions);
    }
  }

  /**
   * A record without a coordinated-election strategy, as the elector writes it.
   *
   * @param holderIdentity the holder, {@code ""} for none
   * @param leaseDurationSeconds the lease duration in seconds
   * @param acquireTime when the holder acquired the lock, or {@code null}
   * @param renewTime when the holder last renewed, or {@code null}
   * @param leaderTransitions the number of holder changes so far
   * @return the record
   */
  public static LeaderElectionRecord of(
      String holderIdentity, int leaseDurationSeconds, Instant acquireTime, Instant renewTime,
      int leaderTransitions) {
    return new LeaderElectionRecord(
        holderIdentity, leaseDurationSeconds, acquireTime, renewTime, leaderTransitions, "", "");
  }

  /** Whether nobody holds the lock ({@code holderIdentity} is empty). */
  public boolean isReleased() {
    return holderIdentity.isEmpty();
  }

  /**
   * This record with another holder.
   *
   * @param newHolder the new holder, {@code ""} for none
   * @return a copy with {@code holderIdentity} replaced
   */
  public LeaderElectionRecord withHolderIdentity(String newHolder) {
    return new LeaderElectionRecord(newHolder, leaseDurationSeconds, acquireTime, renewTime,
        leaderTransitions, strategy, preferredHolder);
  }

  /**
   * This record with another renew time.
   *
   * @param newRenewTime the new renew time, or {@code null}
   * @return a copy with {@code renewTime} replaced
   */
  public LeaderElectionRecord withRenewTime(Instant newRenewTime) {
    return new LeaderElectionRecord(holderIdentity, leaseDurationSeconds, acquireTime, newRenewTime,
        leaderTransitions, strategy, preferredHolder);
  }

  /**
   * This record with another transition count.
   *
   * @param newLeaderTransitions the new count
   * @return a copy with {@code leaderTransitions} replaced
   */
  public LeaderElectionRecord withLeaderTransitions(int newLeaderTransitions) {
    return new LeaderElectionRecord(holderIdentity, leaseDurationSeconds, acquireTime, renewTime,
        newLeaderTransitions, strategy, preferredHolder);
  }
}
