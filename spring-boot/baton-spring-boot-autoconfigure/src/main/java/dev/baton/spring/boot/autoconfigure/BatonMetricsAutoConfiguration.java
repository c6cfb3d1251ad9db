package dev.baton.spring.boot.autoconfigure;

import dev.baton.leaderelection.LeaderMetrics;
import dev.baton.spring.boot.actuate.LeaderElectionMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The elector's Micrometer meters ({@code leader_election_master_status},
 * {@code leader_election_slowpath_total}), bound by Spring Boot to the application's
 * {@code MeterRegistry}, when Micrometer is on the class path. Runs before
 * {@link BatonAutoConfiguration} so that the elector finds them.
 */
@AutoConfiguration(before = BatonAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBooleanProperty(name = "baton.enabled", matchIfMissing = true)
public final class BatonMetricsAutoConfiguration {

  /**
   * @param properties the properties, for the election's name
   * @return the metrics, a {@link LeaderMetrics} and a {@link MeterBinder}
   */
  @Bean
  @ConditionalOnMissingBean(LeaderMetrics.class)
  LeaderElectionMetrics batonLeaderElectionMetrics(BatonProperties properties) {
    BatonProperties.Lock lock = properties.getLock();
    return new LeaderElectionMetrics(trim(lock.getNamespace()) + "/" + trim(lock.getName()));
  }

  private static String trim(String value) {
    return value == null ? "" : value.trim();
  }
}
