package dev.baton.leaderelection;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A watchdog health check (client-go's {@code HealthzAdaptor}): unhealthy when the elector believes
 * it leads but has not renewed for longer than {@code leaseDuration + timeout}, which means its
 * renew loop is stuck (a deadlock, a starved thread) and the process should be restarted.
 * Healthy while the elector follows or has not been attached yet.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class LeaderHealthCheck {
  private final Duration timeout;
  private volatile LeaderElector elector;

  /**
   * @param timeout how long past the lease duration a stale leader is tolerated
   */
  public LeaderHealthCheck(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
    }
  }

  /** The name of the check, as client-go's: {@code leaderElection}. */
  public String name() {
    return "leaderElection";
  }

  /** The tolerated time past the lease duration. */
  public Duration timeout() {
    return timeout;
  }

  void attach(LeaderElector leaderElector) {
    this.elector = leaderElector;
  }

  /**
   * Runs the check.
   *
   * @return the problem, or empty when healthy
   */
  public Optional<String> check() {
    LeaderElector e = elector;
    return e == null ? Optional.empty() : e.check(timeout);
  }

  /** Whether {@link #check()} finds no problem. */
  public boolean isHealthy() {
    return check().isEmpty();
  }
}
