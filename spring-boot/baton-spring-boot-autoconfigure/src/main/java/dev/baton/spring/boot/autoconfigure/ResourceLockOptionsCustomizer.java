package dev.baton.spring.boot.autoconfigure;

import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import org.apiguardian.api.API;

/**
 * Changes the options the auto-configured lock is created with, after the {@code baton.settings.*}
 * and before the lock exists: add a setting computed at start-up, or a ready-made client the
 * backend looks up by type. Every bean of this type is applied, in
 * {@link org.springframework.core.annotation.Order @Order}. The auto-configuration itself adds a
 * {@code KubernetesClient}, jetcd {@code Client} or {@code CuratorFramework} bean of the context
 * this way, at order 0: a customizer ordered after it sees (and may replace) those clients.
 */
@FunctionalInterface
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public interface ResourceLockOptionsCustomizer {

  /**
   * @param options the options so far
   */
  void customize(ResourceLockOptions.Builder options);
}
