package dev.baton.spring.boot.autoconfigure;

import dev.baton.leaderelection.GoDurations;
import dev.baton.leaderelection.LeaderElectionConfig;
import dev.baton.leaderelection.LeaderHealthCheck;
import dev.baton.leaderelection.LeaderMetrics;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.LockTypeResolutionException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.CompositeLockType;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import dev.baton.spring.boot.LeaderLifecycle;
import dev.baton.spring.boot.LeaderOnlyTaskScheduler;
import dev.baton.spring.boot.LeaderScheduled;
import dev.baton.spring.boot.Leadership;
import io.etcd.jetcd.Client;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apiguardian.api.API;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.config.TaskManagementConfigUtils;

/**
 * Leader election from the {@code baton.*} properties: the {@link ResourceLock} of
 * {@code baton.lock.type} (found through {@link ResourceLocks}, so the backend module only has to be
 * on the class path), and the {@link Leadership} that runs the elector with the application. With
 * {@code @EnableScheduling}, also the scheduler behind {@link LeaderScheduled @LeaderScheduled}.
 *
 * <p>A {@code KubernetesClient}, jetcd {@code Client} or {@code CuratorFramework} bean of the
 * context is handed to the lock as its client. Bad configuration fails the start-up with a
 * {@link BatonConfigurationException} that {@link BatonFailureAnalyzer} explains. Off with
 * {@code baton.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "baton.enabled", matchIfMissing = true)
@EnableConfigurationProperties(BatonProperties.class)
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class BatonAutoConfiguration {

  /**
   * Binds {@code baton.*} durations from Spring's and Go's formats; static, so that it exists before
   * any properties are bound.
   *
   * @return the converter
   */
  @Bean
  @ConfigurationPropertiesBinding
  static GoDurationConverter batonGoDurationConverter() {
    return new GoDurationConverter();
  }

  /**
   * The lock named by {@code baton.lock.*}, with {@code baton.settings.*} and the renew deadline in
   * its options, then every {@link ResourceLockOptionsCustomizer}.
   *
   * @param properties the properties
   * @param customizers changes to the options
   * @return the lock; closed with the context when it is {@link AutoCloseable}
   */
  @Bean
  @ConditionalOnMissingBean
  ResourceLock batonResourceLock(BatonProperties properties, ObjectProvider<ResourceLockOptionsCustomizer> customizers) {
    BatonProperties.Lock lock = properties.getLock();
    String identity = properties.resolveIdentity();
    ClassLoader classLoader = getClass().getClassLoader();
    checkRequired(lock, identity, classLoader);

    ResourceLockOptions.Builder options = ResourceLockOptions.builder().settings(properties.getSettings());
    Duration renewDeadline = properties.getRenewDeadline();
    if (renewDeadline != null && !renewDeadline.isNegative() && !renewDeadline.isZero()) {
      options.renewDeadline(renewDeadline);
    }
    customizers.orderedStream().forEach(c -> c.customize(options));

    String type = lock.getType().trim();
    try {
      return ResourceLocks.newLock(type, lock.getNamespace().trim(), lock.getName().trim(),
          ResourceLockConfig.of(identity), options.build(), classLoader);
    } catch (LockTypeResolutionException e) {
      throw new BatonConfigurationException("baton.lock.type=" + type + " cannot be used. " + e.getMessage(),
          "Set baton.lock.type to a lock type on the class path (" + typesOnClassPath(classLoader)
          + "), or add the module that provides \"" + type + "\" as a dependency.", e);
    } catch (IllegalArgumentException e) {
      throw new BatonConfigurationException("The " + type + " lock " + lock.getNamespace() + "/" + lock.getName()
          + " rejected its configuration: " + e.getMessage(),
          "Fix the baton.lock.* or baton.settings.* properties named above. Each baton.settings.KEY=VALUE is "
          + "passed to the " + type + " lock as its setting KEY; its module's README lists the keys it knows.", e);
    } catch (LockException e) {
      throw new BatonConfigurationException("The " + type + " lock " + lock.getNamespace() + "/" + lock.getName()
          + " could not be set up: " + e.getMessage(),
          "Check the baton.settings.* of the " + type + " backend (endpoints, TLS files, credentials).", e);
    }
  }

  /**
   * The lock type to show in the example: Leases when present, else the first type found that is
   * meant for a new election (not the configmaps lock, kept for migrations, nor the in-memory lock,
   * which elects within one process).
   */
  static String exampleLockType(Set<String> types) {
    if (types.contains(ResourceLocks.LEASES)) {
      return ResourceLocks.LEASES;
    }
    return types.stream()
        .filter(t -> !t.equals(ResourceLocks.CONFIGMAPS) && !t.equals(ResourceLocks.INMEMORY)
            && !t.equals(CompositeLockType.MULTI_PROVIDER_TYPE))
        .findFirst().orElse(ResourceLocks.LEASES);
  }

  private static void checkRequired(BatonProperties.Lock lock, String identity, ClassLoader classLoader) {
    List<String> problems = new ArrayList<>();
    List<String> examples = new ArrayList<>();
    if (isBlank(lock.getType())) {
      Set<String> types = ResourceLocks.availableLockTypes(classLoader);
      problems.add("baton.lock.type is not set");
      examples.add("baton.lock.type=" + exampleLockType(types));
    }
    if (isBlank(lock.getName())) {
      problems.add("baton.lock.name is not set");
      examples.add("baton.lock.name=my-app");
    }
    if (isBlank(lock.getNamespace())) {
      problems.add("baton.lock.namespace is empty");
      examples.add("baton.lock.namespace=default");
    }
    if (isBlank(identity)) {
      problems.add("baton.identity is empty");
      examples.add("baton.identity=${POD_NAME}");
    }
    if (!problems.isEmpty()) {
      throw new BatonConfigurationException(
          "Baton leader election is on, but " + String.join(", ", problems) + ".",
          "Set " + (problems.size() == 1 ? "it" : "them") + ", for example in application.properties:\n\n    "
          + String.join("\n    ", examples) + "\n\nLock types on the class path: " + typesOnClassPath(classLoader)
          + ". Or turn leader election off with baton.enabled=false.", null);
    }
  }

  private static String typesOnClassPath(ClassLoader classLoader) {
    Set<String> types = ResourceLocks.availableLockTypes(classLoader);
    return types.isEmpty() ? "none; add a lock module such as dev.baton:baton-lock-lease or dev.baton:baton-lock-etcd"
        : String.join(", ", types);
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  /**
   * The application's part in the election, started and stopped with the context.
   *
   * @param lock the lock
   * @param properties the properties
   * @param events where leadership events go
   * @param lifecycles beans started while leading
   * @param metrics a single {@link LeaderMetrics} bean, if any (Micrometer's, when it is present)
   * @param customizers changes to the elector's configuration
   * @return the leadership
   */
  @Bean
  @ConditionalOnMissingBean
  Leadership batonLeadership(ResourceLock lock, BatonProperties properties, ApplicationEventPublisher events,
      ObjectProvider<LeaderLifecycle> lifecycles, ObjectProvider<LeaderMetrics> metrics,
      ObjectProvider<LeaderElectionConfigCustomizer> customizers) {
    BatonProperties.Lock where = properties.getLock();
    LeaderElectionConfig.Builder config = LeaderElectionConfig.builder()
        .lock(lock)
        // namespace/name: stable and short, for metric tags; an own ResourceLock bean keeps its describe()
        .name(isBlank(where.getName()) || isBlank(where.getNamespace()) ? null
            : where.getNamespace().trim() + "/" + where.getName().trim())
        .leaseDuration(properties.getLeaseDuration())
        .renewDeadline(properties.getRenewDeadline())
        .retryPeriod(properties.getRetryPeriod())
        .releaseOnCancel(properties.isReleaseOnShutdown());
    metrics.ifUnique(config::metrics);
    customizers.orderedStream().forEach(c -> c.customize(config));
    try {
      Duration watchdogTimeout = properties.getWatchdogTimeout() == null ? Duration.ZERO : properties.getWatchdogTimeout();
      if (watchdogTimeout.isNegative()) {
        throw new IllegalArgumentException("watchdogTimeout (" + watchdogTimeout + ") must not be negative");
      }
      return new Leadership(config, new LeaderHealthCheck(watchdogTimeout), events,
          () -> lifecycles.orderedStream().toList(), properties.isReleaseOnShutdown());
    } catch (IllegalArgumentException e) {
      throw new BatonConfigurationException(PropertyNames.inMessage(e.getMessage()),
          "Set baton.lease-duration, baton.renew-deadline and baton.retry-period so that lease-duration exceeds "
          + "renew-deadline by at least 1 s, renew-deadline exceeds 1.2 x retry-period, and lease-duration is whole "
          + "seconds; the defaults are " + GoDurations.format(LeaderElectionConfig.DEFAULT_LEASE_DURATION) + ", "
          + GoDurations.format(LeaderElectionConfig.DEFAULT_RENEW_DEADLINE) + " and "
          + GoDurations.format(LeaderElectionConfig.DEFAULT_RETRY_PERIOD)
          + ". Durations read like 15s, 500ms, 1m30s or PT15S.", e);
    }
  }

  /**
   * {@code @LeaderScheduled} methods go to this scheduler, only when {@code @EnableScheduling} is on.
   * Not a default candidate: plain {@code @Scheduled} methods and Spring Boot's own scheduler are
   * not affected by it.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(name = TaskManagementConfigUtils.SCHEDULED_ANNOTATION_PROCESSOR_BEAN_NAME)
  static class LeaderSchedulingConfiguration {

    @Bean(name = LeaderScheduled.SCHEDULER, defaultCandidate = false)
    LeaderOnlyTaskScheduler batonLeaderScheduler(Leadership leadership) {
      return new LeaderOnlyTaskScheduler(leadership);
    }
  }

  /** A {@code KubernetesClient} bean becomes the client of the {@code leases} and {@code configmaps} locks. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.fabric8.kubernetes.client.KubernetesClient")
  static class KubernetesClientConfiguration {

    @Bean
    @Order(0)
    ResourceLockOptionsCustomizer batonKubernetesClientCustomizer(ObjectProvider<KubernetesClient> client) {
      return options -> client.ifUnique(c -> options.client(KubernetesClient.class, c));
    }
  }

  /** A jetcd {@code Client} bean becomes the client of the {@code etcd} lock. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.etcd.jetcd.Client")
  static class EtcdClientConfiguration {

    @Bean
    @Order(0)
    ResourceLockOptionsCustomizer batonEtcdClientCustomizer(ObjectProvider<Client> client) {
      return options -> client.ifUnique(c -> options.client(Client.class, c));
    }
  }

  /** A {@code CuratorFramework} bean becomes the client of the {@code zookeeper} lock. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.apache.curator.framework.CuratorFramework")
  static class CuratorClientConfiguration {

    @Bean
    @Order(0)
    ResourceLockOptionsCustomizer batonCuratorClientCustomizer(ObjectProvider<CuratorFramework> client) {
      return options -> client.ifUnique(c -> options.client(CuratorFramework.class, c));
    }
  }
}
