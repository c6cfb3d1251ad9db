package dev.baton.spring.boot.actuate;

import dev.baton.spring.boot.Leadership;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The election's health ({@code /actuator/health/leaderElection}). Leading and following are both
 * healthy (UP): a follower is ready to serve and to take over, so it must not fail a readiness
 * probe. Details: {@code role} (leader, follower, stopped), {@code identity}, {@code leader} (the
 * holder last observed), {@code lock}, and while leading the term's {@code fencingToken},
 * {@code validFor} and {@code lastRenewal}.
 *
 * <p>DOWN when this instance left the election because another live process uses its identity, or
 * when the watchdog finds that it believes it leads but has not renewed for leaseDuration +
 * {@code baton.watchdog-timeout} (its renew loop is stuck: restart it, as client-go's healthz
 * adaptor says). UNKNOWN before the election started and after it stopped.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public class LeaderElectionHealthIndicator implements HealthIndicator {

  private final Leadership leadership;

  /**
   * @param leadership the election to report on
   */
  public LeaderElectionHealthIndicator(Leadership leadership) {
    this.leadership = Objects.requireNonNull(leadership, "leadership");
  }

  @Override
  public Health health() {
    Optional<Throwable> failure = leadership.failure();
    Optional<String> stuck = leadership.watchdog().check();
    Health.Builder health;
    if (failure.isPresent()) {
      health = Health.down(failure.get());
    } else if (stuck.isPresent()) {
      health = Health.down().withDetail("problem", stuck.get());
    } else if (!leadership.isRunning()) {
      health = Health.unknown();
    } else {
      health = Health.up();
    }
    return health.withDetails(LeadershipDetails.of(leadership)).build();
  }
}
