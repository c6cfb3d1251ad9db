package dev.baton.spring.boot.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.spring.boot.Leadership;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * Two real application contexts of {@link ElectionApp} on one lock: exactly one leads, receives the
 * granted event and runs the leader-only scheduled method; closing it hands over to the other
 * within milliseconds, and the old leader's work stopped before the release. Backends extend this
 * with the lock's properties.
 */
abstract class TwoApplicationsOnOneLock {

  /** lease 4 s / renew 3 s / retry 0.5 s: a handover without a release would take about 4 s. */
  static final Duration LEASE = Duration.ofSeconds(4);

  /** A close that releases hands over well within this; waiting out the lease takes {@link #LEASE}. */
  static final Duration HANDOVER_BOUND = Duration.ofSeconds(1);

  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

  /**
   * The lock properties of one application.
   *
   * @param identity the instance's identity
   * @return properties, with {@code baton.lock.*} and {@code baton.settings.*}
   */
  abstract Map<String, Object> lockProperties(String identity);

  /**
   * Beans to add to each context, such as a client; none by default.
   *
   * @param context the context, before its refresh
   */
  void addBeans(GenericApplicationContext context) {
  }

  ConfigurableApplicationContext start(Recorder recorder, String identity) {
    Map<String, Object> properties = new HashMap<>(lockProperties(identity));
    properties.put("baton.identity", identity);
    properties.put("baton.lease-duration", "4s");
    properties.put("baton.renew-deadline", "3s");
    properties.put("baton.retry-period", "500ms");
    ConfigurableApplicationContext context = ElectionApp.start(recorder, properties, this::addBeans);
    contexts.add(context);
    return context;
  }

  @AfterEach
  void closeContexts() {
    contexts.forEach(ConfigurableApplicationContext::close);
  }

  @Test
  @DisplayName("Exactly one application leads and runs @LeaderScheduled; closing it hands over at once")
  void oneLeaderAndFastHandover() {
    Recorder recorder = new Recorder();
    Map<String, ConfigurableApplicationContext> byIdentity = Map.of("app-a", start(recorder, "app-a"),
        "app-b", start(recorder, "app-b"));

    await().atMost(Duration.ofSeconds(15)).until(() -> recorder.entries("granted").size() == 1);
    String leader = recorder.entries("granted").get(0).identity();
    String follower = leader.equals("app-a") ? "app-b" : "app-a";
    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.leaderRuns(leader) >= 5
        && recorder.plainRuns(follower) >= 5);

    assertThat(recorder.entries("granted")).as("granted events").hasSize(1);
    assertThat(recorder.leaderRuns(follower)).as("@LeaderScheduled runs on the follower").isZero();
    assertThat(byIdentity.get(leader).getBean(Leadership.class).isLeader()).isTrue();
    assertThat(byIdentity.get(follower).getBean(Leadership.class).isLeader()).isFalse();
    assertThat(byIdentity.get(follower).getBean(Leadership.class).leader()).isEqualTo(leader);
    assertThat(recorder.entries).extracting(e -> e.identity() + ": " + e.what())
        .containsSubsequence(leader + ": first started", leader + ": second started", leader + ": granted");

    long closing = System.nanoTime();
    byIdentity.get(leader).close();
    long closed = System.nanoTime();
    await().atMost(LEASE.multipliedBy(3)).until(() -> recorder.first(follower, "granted").isPresent());
    long handoverNanos = recorder.first(follower, "granted").orElseThrow().nanos() - closing;
    System.out.printf("%s: handover on close took %d ms (close() returned after %d ms)%n", getClass().getSimpleName(),
        TimeUnit.NANOSECONDS.toMillis(handoverNanos), TimeUnit.NANOSECONDS.toMillis(closed - closing));

    assertThat(Duration.ofNanos(handoverNanos)).as("close() to the follower's granted event").isLessThan(HANDOVER_BOUND);
    assertThat(recorder.entries).extracting(e -> e.identity() + ": " + e.what())
        .containsSubsequence(leader + ": revoked", leader + ": second stopped while holding",
            leader + ": first stopped while holding", follower + ": first started", follower + ": granted");
    await().atMost(Duration.ofSeconds(5)).until(() -> recorder.leaderRuns(follower) >= 3);

    recorder.history.assertNoOverlap();
    recorder.history.assertFencingTokensIncrease();
    recorder.history.assertNoLateActs();
  }
}
