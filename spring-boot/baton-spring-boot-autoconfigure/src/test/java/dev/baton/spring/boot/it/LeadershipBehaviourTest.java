package dev.baton.spring.boot.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.leaderelection.IdentityConflictException;
import dev.baton.leaderelection.LeaderContext;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.spring.boot.LeaderLifecycle;
import dev.baton.spring.boot.Leadership;
import dev.baton.spring.boot.actuate.LeaderElectionHealthIndicator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/** {@link Leadership} in real application contexts on the in-memory lock: step-down, failures, rejoining. */
class LeadershipBehaviourTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final String store = "behaviour-" + UUID.randomUUID();
  private final Recorder recorder = new Recorder();
  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

  private ConfigurableApplicationContext start(String identity) {
    return start(identity, context -> { });
  }

  private ConfigurableApplicationContext start(String identity, Consumer<GenericApplicationContext> beans) {
    Map<String, Object> properties = new HashMap<>();
    properties.put("baton.lock.type", "inmemory");
    properties.put("baton.lock.name", "behaviour");
    properties.put("baton.settings.inmemory.store", store);
    properties.put("baton.identity", identity);
    properties.put("baton.lease-duration", "2s");
    properties.put("baton.renew-deadline", "1s");
    properties.put("baton.retry-period", "200ms");
    ConfigurableApplicationContext context = ElectionApp.start(recorder, properties, beans);
    contexts.add(context);
    return context;
  }

  @AfterEach
  void close() {
    contexts.forEach(ConfigurableApplicationContext::close);
  }

  private String holder() {
    return InMemoryLockStore.named(store).peek("default", "behaviour")
        .map(stored -> new String(stored.raw(), java.nio.charset.StandardCharsets.UTF_8))
        .map(json -> json.replaceAll(".*\"holderIdentity\":\"([^\"]*)\".*", "$1"))
        .orElse("(no record)");
  }

  private static Leadership leadership(ConfigurableApplicationContext context) {
    return context.getBean(Leadership.class);
  }

  @Test
  @DisplayName("stepDown() hands leadership to the other instance; the one that stepped down follows")
  void stepDown() {
    ConfigurableApplicationContext a = start("a");
    await().atMost(WAIT).until(() -> leadership(a).isLeader());
    ConfigurableApplicationContext b = start("b");
    await().atMost(WAIT).until(() -> leadership(b).leader().equals("a"));

    leadership(a).stepDown().join();

    await().atMost(WAIT).until(() -> leadership(b).isLeader());
    assertThat(leadership(a).isRunning()).isTrue();
    assertThat(leadership(a).isLeader()).isFalse();
    await().atMost(WAIT).until(() -> leadership(a).leader().equals("b"));
    assertThat(recorder.entries).extracting(e -> e.identity() + ": " + e.what())
        .containsSubsequence("a: granted", "a: revoked", "a: second stopped while holding",
            "a: first stopped while holding", "b: granted");
  }

  @Test
  @DisplayName("The release waits for a leader-only run in progress, then the lock is free")
  void releaseWaitsForLeaderWork() throws Exception {
    ConfigurableApplicationContext a = start("a");
    await().atMost(WAIT).until(() -> leadership(a).isLeader());
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    CompletableFuture<Boolean> work = CompletableFuture.supplyAsync(() -> leadership(a).runIfLeading(() -> {
      running.countDown();
      try {
        finish.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> closing = CompletableFuture.runAsync(a::close);
    await().atMost(WAIT).until(() -> recorder.count("a", "revoked") == 1);
    assertThat(leadership(a).runIfLeading(() -> recorder.note("a", "late run", 0))).as("a run after the term").isFalse();
    assertThat(holder()).as("the holder while the run goes on").isEqualTo("a");
    assertThat(closing).isNotDone();

    finish.countDown();
    closing.get(10, TimeUnit.SECONDS);
    assertThat(work.get()).isTrue();
    assertThat(holder()).as("the holder after the run returned").isEmpty();
  }

  @Test
  @DisplayName("A LeaderLifecycle that fails to start: the started ones stop, the lock is released, another leads")
  void failingLifecycle() {
    ConfigurableApplicationContext a = start("a", context -> context.registerBean("failing", LeaderLifecycle.class,
        () -> new LeaderLifecycle() {
          @Override
          public void startLeading(LeaderContext term) {
            throw new IllegalStateException("cannot start the leader work");
          }

          @Override
          public void stopLeading() {
          }
        }));
    await().atMost(WAIT).until(() -> recorder.count("a", "first stopped while holding") >= 1);
    assertThat(recorder.count("a", "granted")).isZero();
    assertThat(recorder.entries).extracting(e -> e.identity() + ": " + e.what())
        .containsSubsequence("a: first started", "a: second started", "a: second stopped while holding",
            "a: first stopped while holding");
    await().atMost(WAIT).until(() -> holder().isEmpty());

    ConfigurableApplicationContext b = start("b");
    await().atMost(WAIT).until(() -> leadership(b).isLeader());
    assertThat(leadership(a).isRunning()).isTrue();
  }

  @Test
  @DisplayName("Another live process with the same identity: this instance leaves the election and reports DOWN")
  void identityConflict() {
    ConfigurableApplicationContext first = start("twin");
    await().atMost(WAIT).until(() -> leadership(first).isLeader());
    ConfigurableApplicationContext second = start("twin");

    await().atMost(WAIT).until(() -> leadership(second).failure().isPresent());
    assertThat(leadership(second).failure().get()).isInstanceOf(IdentityConflictException.class);
    assertThat(second.getBean(LeaderElectionHealthIndicator.class).health().getStatus()).isEqualTo(Status.DOWN);
    assertThat(first.getBean(LeaderElectionHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
    assertThat(leadership(first).isLeader()).isTrue();
  }

  @Test
  @DisplayName("After losing the lock to another holder, the instance follows and leads again once that lease expires")
  void rejoinsAfterLoss() {
    ConfigurableApplicationContext a = start("a");
    await().atMost(WAIT).until(() -> leadership(a).isLeader());
    long firstToken = recorder.first("a", "granted").orElseThrow().fencingToken();

    Instant now = Instant.now();
    InMemoryLockStore.named(store).plant("default", "behaviour",
        LeaderElectionRecordCodec.encode(LeaderElectionRecord.of("intruder", 1, now, now, 7)));

    await().atMost(WAIT).until(() -> recorder.count("a", "revoked") == 1);
    await().atMost(WAIT).until(() -> recorder.count("a", "granted") == 2);
    assertThat(recorder.entries("granted").get(1).fencingToken()).isGreaterThan(firstToken);
    assertThat(leadership(a).isLeader()).isTrue();
    recorder.history.assertNoOverlap();
  }
}
