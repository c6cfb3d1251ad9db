package dev.baton.bench;

import dev.baton.leaderelection.LeaderElectionConfig;
import java.time.Duration;

/**
 * The elector durations of a run.
 *
 * @param lease the lease duration
 * @param renew the renew deadline
 * @param retry the retry period
 */
record Timings(Duration lease, Duration renew, Duration retry) {
  /** client-go's defaults, as {@link LeaderElectionConfig} has them. */
  static final Timings CLIENT_GO = new Timings(LeaderElectionConfig.DEFAULT_LEASE_DURATION,
      LeaderElectionConfig.DEFAULT_RENEW_DEADLINE, LeaderElectionConfig.DEFAULT_RETRY_PERIOD);

  @Override
  public String toString() {
    return lease.toMillis() / 1000.0 + " s / " + renew.toMillis() / 1000.0 + " s / " + retry.toMillis() / 1000.0 + " s";
  }
}
