package dev.baton.spring.boot.autoconfigure;

import dev.baton.leaderelection.LeaderElectionConfig;
import org.apiguardian.api.API;

/**
 * Changes the elector's configuration after the {@code baton.*} properties were applied and before
 * it is validated: another {@code ElectionRuntime}, name or {@code LeaderMetrics}. Every bean of
 * this type is applied, in {@link org.springframework.core.annotation.Order @Order}. Callbacks and
 * the watchdog belong to {@link dev.baton.spring.boot.Leadership} and are set after these.
 */
@FunctionalInterface
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public interface LeaderElectionConfigCustomizer {

  /**
   * @param config the configuration so far
   */
  void customize(LeaderElectionConfig.Builder config);
}
