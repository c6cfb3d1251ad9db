package dev.baton.spring.boot.autoconfigure;

import dev.baton.leaderelection.LeaderMetrics;
import dev.baton.spring.boot.Leadership;
import dev.baton.spring.boot.actuate.LeaderElectionMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apiguardian.api.API;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The elector's Micrometer meters ({@code leader_election_master_status},
 * {@code leader_election_slowpath_total}), bound by Spring Boot to the application's
 * {@code MeterRegistry}, when Micrometer is on the class path. The elector of
 * {@link BatonAutoConfiguration} reports to them as its {@link LeaderMetrics}.
 */
@AutoConfiguration(before = BatonAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBooleanProperty(name = "baton.enabled", matchIfMissing = true)
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class BatonMetricsAutoConfiguration {

  /**
   * @param leadership the election, asked for its name when a registry is bound
   * @return the metrics, a {@link LeaderMetrics} and a {@link MeterBinder}
   */
  @Bean
  @ConditionalOnMissingBean(LeaderMetrics.class)
  LeaderElectionMetrics batonLeaderElectionMetrics(ObjectProvider<Leadership> leadership) {
    return new LeaderElectionMetrics(() -> {
      Leadership l = leadership.getIfAvailable();
      return l == null ? null : l.name();
    });
  }
}
