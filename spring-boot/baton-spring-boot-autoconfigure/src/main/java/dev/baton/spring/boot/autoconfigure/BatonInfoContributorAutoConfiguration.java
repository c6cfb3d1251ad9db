package dev.baton.spring.boot.autoconfigure;

import dev.baton.spring.boot.Leadership;
import dev.baton.spring.boot.actuate.LeaderElectionInfoContributor;
import org.apiguardian.api.API;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The {@code leaderElection} entry of {@code /actuator/info}, when the actuator is present. */
@AutoConfiguration(after = BatonAutoConfiguration.class)
@ConditionalOnClass(InfoContributor.class)
@ConditionalOnBean(Leadership.class)
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class BatonInfoContributorAutoConfiguration {

  /**
   * @param leadership the election
   * @return the info contributor
   */
  @Bean
  @ConditionalOnMissingBean
  LeaderElectionInfoContributor leaderElectionInfoContributor(Leadership leadership) {
    return new LeaderElectionInfoContributor(leadership);
  }
}
