package dev.baton.spring.boot.autoconfigure;

import dev.baton.spring.boot.Leadership;
import dev.baton.spring.boot.actuate.LeaderElectionHealthIndicator;
import org.apiguardian.api.API;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code leaderElection} health contributor, when Spring Boot's health support
 * ({@code spring-boot-health}, part of the actuator starter) is present; off with
 * {@code management.health.leaderelection.enabled=false}.
 */
@AutoConfiguration(after = BatonAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Leadership.class)
@ConditionalOnEnabledHealthIndicator("leaderelection")
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class BatonHealthContributorAutoConfiguration {

  /**
   * @param leadership the election
   * @return the health indicator, named {@code leaderElection}
   */
  @Bean
  @ConditionalOnMissingBean(name = "leaderElectionHealthIndicator")
  LeaderElectionHealthIndicator leaderElectionHealthIndicator(Leadership leadership) {
    return new LeaderElectionHealthIndicator(leadership);
  }
}
