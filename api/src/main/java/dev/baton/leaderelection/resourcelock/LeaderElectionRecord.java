package dev.baton.leaderelection.resourcelock;

import java.time.Instant;
import java.util.Objects;
import org.apiguardian.api.API;

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
 * <p>Build one with {@link #builder()} and change one with {@link #toBuilder()}: those keep
 * compiling when client-go adds a field to its record (as it added {@code strategy} and
 * {@code preferredHolder} for coordinated leader election), and the new field then takes its zero
 * value. The canonical constructor and {@link #of} list every field, so a new field changes their
 * parameter lists.
 * <pre>{@code
 * LeaderElectionRecord record = LeaderElectionRecord.builder()
 *     .holderIdentity("node-a")
 *     .leaseDurationSeconds(15)
 *     .acquireTime(now)
 *     .renewTime(now)
 *     .build();
 * LeaderElectionRecord renewed = record.toBuilder().renewTime(later).build();
 * }</pre>
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
@API(status = API.Status.STABLE, since = "0.1.0")
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
   * A builder that starts from Go's zero values: no holder, a lease of 0 seconds, no times, no
   * transitions, no strategy and no preferred holder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder that starts from this record's values, to make a changed copy.
   *
   * @return a new builder holding every field of this record
   */
  public Builder toBuilder() {
    return new Builder()
        .holderIdentity(holderIdentity)
        .leaseDurationSeconds(leaseDurationSeconds)
        .acquireTime(acquireTime)
        .renewTime(renewTime)
        .leaderTransitions(leaderTransitions)
        .strategy(strategy)
        .preferredHolder(preferredHolder);
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

  /**
   * Builds a {@link LeaderElectionRecord} field by field. Each field starts at its zero value (Go's
   * zero value of client-go's field); {@link #build()} applies the record's rules (absent strings
   * become {@code ""}, Go's zero time {@code null}, negative counts are refused). Not thread-safe.
   */
  public static final class Builder {
    private String holderIdentity = "";
    private int leaseDurationSeconds;
    private Instant acquireTime;
    private Instant renewTime;
    private int leaderTransitions;
    private String strategy = "";
    private String preferredHolder = "";

    private Builder() {
    }

    /**
     * Sets the holder.
     *
     * @param holderIdentity the identity of the holder, {@code ""} (or {@code null}) for none
     * @return this builder
     */
    public Builder holderIdentity(String holderIdentity) {
      this.holderIdentity = holderIdentity;
      return this;
    }

    /**
     * Sets the lease duration.
     *
     * @param leaseDurationSeconds the lease duration in seconds; not negative
     * @return this builder
     */
    public Builder leaseDurationSeconds(int leaseDurationSeconds) {
      this.leaseDurationSeconds = leaseDurationSeconds;
      return this;
    }

    /**
     * Sets when the holder acquired the lock.
     *
     * @param acquireTime the time, or {@code null} for none
     * @return this builder
     */
    public Builder acquireTime(Instant acquireTime) {
      this.acquireTime = acquireTime;
      return this;
    }

    /**
     * Sets when the holder last renewed the lock.
     *
     * @param renewTime the time, or {@code null} for none
     * @return this builder
     */
    public Builder renewTime(Instant renewTime) {
      this.renewTime = renewTime;
      return this;
    }

    /**
     * Sets how many times the lock changed holder.
     *
     * @param leaderTransitions the count; not negative
     * @return this builder
     */
    public Builder leaderTransitions(int leaderTransitions) {
      this.leaderTransitions = leaderTransitions;
      return this;
    }

    /**
     * Sets the coordinated leader election strategy.
     *
     * @param strategy the strategy, {@code ""} (or {@code null}) for none
     * @return this builder
     */
    public Builder strategy(String strategy) {
      this.strategy = strategy;
      return this;
    }

    /**
     * Sets the holder a coordinated election prefers.
     *
     * @param preferredHolder the preferred holder, {@code ""} (or {@code null}) for none
     * @return this builder
     */
    public Builder preferredHolder(String preferredHolder) {
      this.preferredHolder = preferredHolder;
      return this;
    }

    /**
     * The record.
     *
     * @return a new record with the fields set so far
     * @throws IllegalArgumentException when a count is negative
     */
    public LeaderElectionRecord build() {
      return new LeaderElectionRecord(holderIdentity, leaseDurationSeconds, acquireTime, renewTime,
          leaderTransitions, strategy, preferredHolder);
    }
  }
}
