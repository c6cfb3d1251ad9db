package dev.baton.spring.boot.autoconfigure;

import dev.baton.leaderelection.resourcelock.ResourceLockOptions;

/**
 * Changes the options the auto-configured lock is created with, after the {@code baton.settings.*}
 * and before the lock exists: add a setting computed at start-up, or a ready-made client the
 * backend looks up by type. Every bean of this type is applied, in
 * {@link org.springframework.core.annotation.Order @Order}. The auto-configuration itself adds a
 * {@code KubernetesClient}, jetcd {@code Client} or {@code CuratorFramework} bean of the context
 * this way, at order 0: a customizer ordered after it sees (and may replace) those clients.
 */
@FunctionalInterface
public interface ResourceLockOptionsCustomizer {

  /**
   * @param options the options so far
   */
  void customize(ResourceLockOptions.Builder options);
}
