package dev.baton.spring.boot.actuate;

import dev.baton.spring.boot.Leadership;
import java.util.Objects;
import org.apiguardian.api.API;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * Adds {@code leaderElection} to {@code /actuator/info}: {@code role}, {@code identity},
 * {@code leader}, {@code lock}, and while leading the term's {@code fencingToken},
 * {@code validFor} and {@code lastRenewal}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public class LeaderElectionInfoContributor implements InfoContributor {

  private final Leadership leadership;

  /**
   * @param leadership the election to describe
   */
  public LeaderElectionInfoContributor(Leadership leadership) {
    this.leadership = Objects.requireNonNull(leadership, "leadership");
  }

  @Override
  public void contribute(Info.Builder builder) {
    builder.withDetail("leaderElection", LeadershipDetails.of(leadership));
  }
}
