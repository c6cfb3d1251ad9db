package dev.baton.testkit;

import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The durations the kit's elector groups use, and the margin they allow on top of the theoretical
 * bounds (for server round trips on real time).
 *
 * @param leaseDuration the lease duration (whole seconds)
 * @param renewDeadline the renew deadline
 * @param retryPeriod the retry period
 * @param margin extra time allowed beyond each bound the kit checks
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record ElectorTimings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod, Duration margin) {

  /** client-go's defaults (15 s, 10 s, 2 s) with no margin: for virtual time. */
  public static final ElectorTimings VIRTUAL = new ElectorTimings(
      Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ZERO);

  /**
   * Short durations for real servers (2 s, 1 s, 200 ms, margin 1 s): a few seconds per test. The
   * lease exceeds the renew deadline by the 1 s the elector requires
   * ({@link dev.baton.leaderelection.LeaderElectionConfig#MIN_LEASE_MARGIN}).
   */
  public static final ElectorTimings REAL_TIME = new ElectorTimings(
      Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(1));

  /** Checks that every duration is present. */
  public ElectorTimings {
    Objects.requireNonNull(leaseDuration, "leaseDuration");
    Objects.requireNonNull(renewDeadline, "renewDeadline");
    Objects.requireNonNull(retryPeriod, "retryPeriod");
    Objects.requireNonNull(margin, "margin");
  }

  /** The longest a crash failover may take: leaseDuration + 2.2 x retryPeriod + margin. */
  public Duration failoverBound() {
    return leaseDuration.plus(retryPeriod.multipliedBy(22).dividedBy(10)).plus(margin);
  }

  /** The longest one acquire attempt may be waited for: 2.2 x retryPeriod + margin. */
  public Duration acquireAttemptBound() {
    return retryPeriod.multipliedBy(22).dividedBy(10).plus(margin);
  }
}
