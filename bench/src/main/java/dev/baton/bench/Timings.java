package dev.baton.bench;

import java.time.Duration;

/**
 * The elector durations of a run.
 *
 * @param lease the lease duration
 * @param renew the renew deadline
 * @param retry the retry period
 */
record Timings(Duration lease, Duration renew, Duration retry) {
  /** client-go's defaults. */
  static final Timings CLIENT_GO = new Timings(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));

  @Override
  public String toString() {
    return lease.toMillis() / 1000.0 + " s / " + renew.toMillis() / 1000.0 + " s / " + retry.toMillis() / 1000.0 + " s";
  }
}
