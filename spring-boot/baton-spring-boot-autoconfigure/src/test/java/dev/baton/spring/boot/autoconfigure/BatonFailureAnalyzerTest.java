package dev.baton.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.support.SpringFactoriesLoader;

/** Bad configuration fails the start-up, and the analyzer says what to set. */
class BatonFailureAnalyzerTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(BatonAutoConfigurationTest.BATON)
      .withPropertyValues("baton.identity=one", "baton.settings.inmemory.store=analyzer-" + UUID.randomUUID());

  private FailureAnalysis analyze(String... properties) {
    FailureAnalysis[] analysis = new FailureAnalysis[1];
    runner.withPropertyValues(properties).run(context -> {
      assertThat(context).hasFailed();
      analysis[0] = new BatonFailureAnalyzer().analyze(context.getStartupFailure());
    });
    assertThat(analysis[0]).as("the analyzer recognises the failure").isNotNull();
    return analysis[0];
  }

  @Test
  @DisplayName("The analyzer is registered for Spring Boot's failure reporting")
  void registered() {
    // Some of Spring Boot's analyzers need constructor arguments; only the registration matters here.
    List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation().load(FailureAnalyzer.class,
        SpringFactoriesLoader.FailureHandler.handleMessage((message, failure) -> { }));
    assertThat(analyzers).hasAtLeastOneElementOfType(BatonFailureAnalyzer.class);
  }

  @Test
  @DisplayName("The example lock type is Leases when present, else a type for new elections, never the migration or in-memory lock")
  void exampleLockType() {
    assertThat(BatonAutoConfiguration.exampleLockType(java.util.Set.of("configmaps", "etcd", "leases"))).isEqualTo("leases");
    assertThat(BatonAutoConfiguration.exampleLockType(new java.util.TreeSet<>(java.util.Set.of("configmaps", "etcd", "inmemory", "multi"))))
        .isEqualTo("etcd");
    assertThat(BatonAutoConfiguration.exampleLockType(java.util.Set.of("inmemory"))).isEqualTo("leases");
  }

  @Test
  @DisplayName("Missing lock type and name: both named, with an example and the lock types found")
  void missingTypeAndName() {
    FailureAnalysis analysis = analyze();
    assertThat(analysis.getDescription())
        .isEqualTo("Baton leader election is on, but baton.lock.type is not set, baton.lock.name is not set.");
    assertThat(analysis.getAction())
        .contains("baton.lock.type=leases", "baton.lock.name=my-app",
            "Lock types on the class path: configmaps, etcd, inmemory, jdbc, leases, zookeeper", "baton.enabled=false");
  }

  @Test
  @DisplayName("An unknown lock type lists the lock types found")
  void unknownType() {
    FailureAnalysis analysis = analyze("baton.lock.type=etdc", "baton.lock.name=app");
    assertThat(analysis.getDescription()).startsWith("baton.lock.type=etdc cannot be used.")
        .contains("Unknown lock type \"etdc\". Did you mean \"etcd\"? Lock types found: configmaps, etcd, inmemory, jdbc, leases, zookeeper");
    assertThat(analysis.getAction())
        .contains("a lock type on the class path (configmaps, etcd, inmemory, jdbc, leases, zookeeper)");
  }

  @Test
  @DisplayName("A built-in lock type whose module is missing names the artifact to add")
  void missingModule() {
    // Every store backend is a test dependency (for ConfigurationMetadataTest); baton-lock-multi is not.
    FailureAnalysis analysis = analyze("baton.lock.type=zookeeper-to-leases", "baton.lock.name=app");
    assertThat(analysis.getDescription()).contains("dev.baton:baton-lock-multi");
  }

  @Test
  @DisplayName("Invalid durations: every violated rule, named by its baton.* property")
  void invalidDurations() {
    FailureAnalysis analysis = analyze("baton.lock.type=inmemory", "baton.lock.name=app",
        "baton.lease-duration=10s", "baton.renew-deadline=10s", "baton.retry-period=9s");
    assertThat(analysis.getDescription())
        .contains("baton.lease-duration (10s) must be greater than baton.renew-deadline (10s)")
        .contains("baton.renew-deadline (10s) must be greater than 1.2 x baton.retry-period (9s")
        .doesNotContain("leaseDuration");
    assertThat(analysis.getAction()).contains("the defaults are 15s, 10s and 2s");
  }

  @Test
  @DisplayName("A setting the backend rejects is reported with the baton.settings it came from")
  void badSetting() {
    FailureAnalysis analysis = analyze("baton.lock.type=inmemory", "baton.lock.name=app",
        "baton.settings[inmemory.watch]=maybe");
    assertThat(analysis.getDescription()).contains("inmemory.watch must be 'true' or 'false'");
    assertThat(analysis.getAction()).contains("baton.settings.KEY=VALUE");
  }

  @Test
  @DisplayName("A duration that is no duration fails binding with the accepted forms")
  void unreadableDuration() {
    runner.withPropertyValues("baton.lock.type=inmemory", "baton.lock.name=app", "baton.lease-duration=fifteen")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause()
              .hasMessageContaining("'fifteen' is not a duration: write it like 15s, 500ms, 1m30s, 1.5s or PT15S");
        });
  }
}
