package dev.baton.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.leaderelection.LeaderElectionConfig;
import dev.baton.leaderelection.LeaderMetrics;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.lock.inmemory.InMemoryResourceLock;
import dev.baton.lock.inmemory.WatchableInMemoryResourceLock;
import dev.baton.spring.boot.LeaderOnlyTaskScheduler;
import dev.baton.spring.boot.LeaderScheduled;
import dev.baton.spring.boot.Leadership;
import dev.baton.spring.boot.actuate.LeaderElectionHealthIndicator;
import dev.baton.spring.boot.actuate.LeaderElectionInfoContributor;
import dev.baton.spring.boot.actuate.LeaderElectionMetrics;
import io.etcd.jetcd.Client;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Property binding and conditions, with Spring Boot's {@link ApplicationContextRunner}. */
class BatonAutoConfigurationTest {

  static final AutoConfigurations BATON = AutoConfigurations.of(BatonAutoConfiguration.class,
      BatonMetricsAutoConfiguration.class, BatonHealthContributorAutoConfiguration.class,
      BatonInfoContributorAutoConfiguration.class);

  private final String store = "autoconfig-" + UUID.randomUUID();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(BATON)
      .withPropertyValues("baton.lock.type=inmemory", "baton.lock.name=app", "baton.identity=one",
          "baton.settings.inmemory.store=" + store);

  private static LeaderElectionConfig electorConfig(org.springframework.context.ApplicationContext context) {
    return context.getBean(Leadership.class).elector().config();
  }

  @Nested
  @DisplayName("Properties")
  class Properties {

    @Test
    @DisplayName("Three properties are enough: client-go's durations, release on shutdown, namespace 'default'")
    void defaults() {
      new ApplicationContextRunner().withConfiguration(BATON)
          .withPropertyValues("baton.lock.type=inmemory", "baton.lock.name=app",
              "baton.settings.inmemory.store=" + store)
          .run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(Leadership.class).hasSingleBean(ResourceLock.class);
            BatonProperties properties = context.getBean(BatonProperties.class);
            assertThat(properties.isEnabled()).isTrue();
            assertThat(properties.isReleaseOnShutdown()).isTrue();
            assertThat(properties.getLock().getNamespace()).isEqualTo("default");
            LeaderElectionConfig config = electorConfig(context);
            assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
            assertThat(config.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
            assertThat(config.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
            assertThat(config.releaseOnCancel()).isTrue();
            assertThat(config.name()).isEqualTo("default/app");
            assertThat(context.getBean(Leadership.class).identity())
                .isEqualTo(BatonProperties.defaultIdentity(System.getenv()));
            assertThat(context.getBean(ResourceLock.class)).isInstanceOf(WatchableInMemoryResourceLock.class);
          });
    }

    @Test
    @DisplayName("Durations bind from Go's syntax (1m30s, 1.5s) and Spring's (PT20S, 500ms); a bare number is seconds")
    void goAndSpringDurations() {
      runner.withPropertyValues("baton.lease-duration=1m30s", "baton.renew-deadline=PT20S", "baton.retry-period=1.5s",
          "baton.watchdog-timeout=500ms").run(context -> {
            LeaderElectionConfig config = electorConfig(context);
            assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(90));
            assertThat(config.renewDeadline()).isEqualTo(Duration.ofSeconds(20));
            assertThat(config.retryPeriod()).isEqualTo(Duration.ofMillis(1500));
            assertThat(context.getBean(Leadership.class).watchdog().timeout()).isEqualTo(Duration.ofMillis(500));
          });
      runner.withPropertyValues("baton.lease-duration=20", "baton.renew-deadline=15s", "baton.retry-period=3")
          .run(context -> {
            LeaderElectionConfig config = electorConfig(context);
            assertThat(config.leaseDuration()).isEqualTo(Duration.ofSeconds(20));
            assertThat(config.retryPeriod()).isEqualTo(Duration.ofSeconds(3));
          });
    }

    @Test
    @DisplayName("The Go syntax converter leaves the application's own duration properties to Spring's rules")
    void otherDurationsUnaffected() {
      runner.withUserConfiguration(OtherPropertiesConfiguration.class)
          .withPropertyValues("other.timeout=30").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(OtherProperties.class).getTimeout()).isEqualTo(Duration.ofMillis(30));
          });
      runner.withUserConfiguration(OtherPropertiesConfiguration.class)
          .withPropertyValues("other.timeout=1m30s").run(context -> assertThat(context).hasFailed());
    }

    @Test
    @DisplayName("baton.settings.* reach the lock as its settings, keys with dots included")
    void settingsPassThrough() {
      AtomicReference<ResourceLockOptions> seen = new AtomicReference<>();
      runner.withPropertyValues("baton.settings[inmemory.watch]=false")
          .withBean("capture", ResourceLockOptionsCustomizer.class, () -> new Capture(seen))
          .run(context -> {
            assertThat(context.getBean(ResourceLock.class)).isInstanceOf(InMemoryResourceLock.class)
                .isNotInstanceOf(WatchableInMemoryResourceLock.class);
            assertThat(seen.get().settings()).containsEntry("inmemory.watch", "false")
                .containsEntry("inmemory.store", store);
            assertThat(seen.get().renewDeadline()).isEqualTo(Duration.ofSeconds(10));
          });
    }

    @Test
    @DisplayName("The default identity is POD_NAME, else HOSTNAME, else host name and process id")
    void defaultIdentity() {
      assertThat(BatonProperties.defaultIdentity(java.util.Map.of("POD_NAME", "web-7d9c", "HOSTNAME", "node")))
          .isEqualTo("web-7d9c");
      assertThat(BatonProperties.defaultIdentity(java.util.Map.of("HOSTNAME", "web-5f6b"))).isEqualTo("web-5f6b");
      assertThat(BatonProperties.defaultIdentity(java.util.Map.of("POD_NAME", " ")))
          .endsWith("-" + ProcessHandle.current().pid());
    }
  }

  @Nested
  @DisplayName("Conditions")
  class Conditions {

    @Test
    @DisplayName("baton.enabled=false turns everything off, even without lock properties")
    void disabled() {
      new ApplicationContextRunner().withConfiguration(BATON).withPropertyValues("baton.enabled=false")
          .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Leadership.class)
              .doesNotHaveBean(ResourceLock.class).doesNotHaveBean(LeaderElectionMetrics.class)
              .doesNotHaveBean(BatonProperties.class));
    }

    @Test
    @DisplayName("A ResourceLock bean of the application is used instead of baton.lock.*")
    void ownLock() {
      InMemoryResourceLock own = new InMemoryResourceLock(new InMemoryLockStore(), "ns", "own",
          dev.baton.leaderelection.resourcelock.ResourceLockConfig.of("mine"));
      new ApplicationContextRunner().withConfiguration(BATON)
          .withBean(ResourceLock.class, () -> own)
          .run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(Leadership.class).elector().config().lock()).isSameAs(own);
            assertThat(context.getBean(Leadership.class).identity()).isEqualTo("mine");
          });
    }

    @Test
    @DisplayName("KubernetesClient, jetcd Client and CuratorFramework beans become the lock's clients")
    void contextClients() {
      KubernetesClient kubernetes = fake(KubernetesClient.class);
      Client etcd = fake(Client.class);
      CuratorFramework curator = fake(CuratorFramework.class);
      AtomicReference<ResourceLockOptions> seen = new AtomicReference<>();
      runner.withBean(KubernetesClient.class, () -> kubernetes)
          .withBean(Client.class, () -> etcd)
          .withBean(CuratorFramework.class, () -> curator)
          .withBean("capture", ResourceLockOptionsCustomizer.class, () -> new Capture(seen))
          .run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(seen.get().client(KubernetesClient.class)).containsSame(kubernetes);
            assertThat(seen.get().client(Client.class)).containsSame(etcd);
            assertThat(seen.get().client(CuratorFramework.class)).containsSame(curator);
          });
    }

    @Test
    @DisplayName("Without fabric8, jetcd and Curator on the class path the auto-configuration still starts")
    void withoutClientLibraries() {
      runner.withClassLoader(new FilteredClassLoader(KubernetesClient.class, Client.class, CuratorFramework.class))
          .run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(Leadership.class);
            assertThat(context.getBeansOfType(ResourceLockOptionsCustomizer.class)).isEmpty();
          });
    }

    @Test
    @DisplayName("Health, info and metrics contributors exist when their libraries do")
    void actuator() {
      runner.run(context -> {
        assertThat(context).hasSingleBean(LeaderElectionHealthIndicator.class)
            .hasSingleBean(LeaderElectionInfoContributor.class).hasSingleBean(LeaderElectionMetrics.class);
        assertThat(context.getBean("leaderElectionHealthIndicator")).isInstanceOf(LeaderElectionHealthIndicator.class);
        assertThat(electorConfig(context).metrics()).isSameAs(context.getBean(LeaderMetrics.class));
        assertThat(context.getBean(LeaderElectionHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
      });
      runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class, InfoContributor.class, MeterBinder.class))
          .run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(LeaderElectionHealthIndicator.class)
                .doesNotHaveBean(LeaderElectionInfoContributor.class).doesNotHaveBean(LeaderElectionMetrics.class);
            assertThat(electorConfig(context).metrics()).isSameAs(LeaderMetrics.NONE);
          });
      runner.withPropertyValues("management.health.leaderelection.enabled=false")
          .run(context -> assertThat(context).doesNotHaveBean(LeaderElectionHealthIndicator.class));
    }

    @Test
    @DisplayName("With @EnableScheduling the leader-only scheduler exists and Spring Boot's scheduler stays the default")
    void leaderScheduler() {
      runner.withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
          .withUserConfiguration(SchedulingOn.class)
          .run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(LeaderScheduled.SCHEDULER)).isInstanceOf(LeaderOnlyTaskScheduler.class);
            assertThat(context).hasBean("taskScheduler");
            assertThat(context.getBean(TaskScheduler.class)).isSameAs(context.getBean("taskScheduler"));
          });
      runner.withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
          .run(context -> assertThat(context).doesNotHaveBean(LeaderScheduled.SCHEDULER));
    }
  }

  @SuppressWarnings("unchecked")
  static <T> T fake(Class<T> type) {
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) ->
        switch (method.getName()) {
          case "toString" -> "fake " + type.getSimpleName();
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> null;
        });
  }

  /** Sees the options after every other customizer. */
  @Order(Ordered.LOWEST_PRECEDENCE)
  record Capture(AtomicReference<ResourceLockOptions> seen) implements ResourceLockOptionsCustomizer {
    @Override
    public void customize(ResourceLockOptions.Builder options) {
      seen.set(options.build());
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableScheduling
  static class SchedulingOn {
  }

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(OtherProperties.class)
  static class OtherPropertiesConfiguration {
  }

  /** An application's own properties with a duration, bound by Spring's rules. */
  @ConfigurationProperties("other")
  static class OtherProperties {
    private Duration timeout;

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }
  }

}
