package dev.baton.leaderelection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.ForwardingResourceLock;
import dev.baton.leaderelection.resourcelock.KvLock;
import dev.baton.leaderelection.resourcelock.KvStore;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.StandardErrorCapture;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClientTimeoutCheckTest {

  private static final LeaderCallbacks IDLE = new LeaderCallbacks() {
    @Override
    public void onStartedLeading(LeaderContext context) {
    }

    @Override
    public void onStoppedLeading() {
    }
  };

  private static ResourceLock lock(Duration clientTimeout) {
    return new KvLock(new KvStore(), "ns", "app-" + UUID.randomUUID(), ResourceLockConfig.of("me"), clientTimeout);
  }

  private static LeaderElectionConfig.Builder config(ResourceLock lock, Duration renewDeadline) {
    return LeaderElectionConfig.builder().lock(lock).callbacks(IDLE)
        .leaseDuration(Duration.ofSeconds(5)).renewDeadline(renewDeadline).retryPeriod(Duration.ofMillis(200));
  }

  /** Starts an elector (the check runs there) and ends its run. */
  private static void startAndCancel(LeaderElectionConfig config) throws Exception {
    LeaderElector elector = new LeaderElector(config);
    elector.start();
    elector.cancel().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("The elector's and the lock options' default renew deadline are one constant, and its client timeout is below it")
  void oneDefault() {
    assertSame(ResourceLockOptions.DEFAULT_RENEW_DEADLINE, LeaderElectionConfig.DEFAULT_RENEW_DEADLINE);
    Duration electorDefault = LeaderElectionConfig.builder().lock(lock(null)).callbacks(IDLE).build().renewDeadline();
    assertEquals(ResourceLockOptions.defaults().renewDeadline(), electorDefault);
    assertEquals(Duration.ofSeconds(5), ResourceLockOptions.DEFAULT_CLIENT_TIMEOUT);
    assertEquals(ResourceLockOptions.DEFAULT_CLIENT_TIMEOUT, ResourceLockOptions.defaults().clientTimeout());
    assertEquals(ResourceLockOptions.clientTimeoutFor(Duration.ofMillis(3700)),
        ResourceLockOptions.builder().renewDeadline(Duration.ofMillis(3700)).build().clientTimeout());
    assertTrue(ResourceLockOptions.DEFAULT_CLIENT_TIMEOUT.compareTo(electorDefault) < 0);
  }

  @Test
  @DisplayName("A lock with default options under an elector with a shorter renewDeadline: one WARN line at start, with both values and the fix")
  void warnsOnce() throws Exception {
    Duration renewDeadline = Duration.ofMillis(1700);   // used by no other test: the warning is once per JVM
    String expected = "client timeout (5s) is not below the elector's renewDeadline (1.7s)";
    List<String> lines;
    try (StandardErrorCapture log = StandardErrorCapture.start()) {
      startAndCancel(config(lock(ResourceLockOptions.defaults().clientTimeout()), renewDeadline).build());
      startAndCancel(config(lock(ResourceLockOptions.defaults().clientTimeout()), renewDeadline).build());
      lines = log.linesContaining(expected);
    }
    assertEquals(1, lines.size(), "one warning for two electors: " + lines);
    String line = lines.get(0);
    assertTrue(line.contains("WARN") && line.contains(LeaderElector.class.getName()), line);
    assertTrue(line.contains("ResourceLockOptions.builder().renewDeadline(...)") && line.contains("a 1s client timeout"),
        "says what to change: " + line);
  }

  @Test
  @DisplayName("A lock whose client timeout is below the renewDeadline, or that reports none, is not warned about")
  void quietWhenBelow() throws Exception {
    Duration renewDeadline = Duration.ofMillis(1900);
    List<String> lines;
    try (StandardErrorCapture log = StandardErrorCapture.start()) {
      startAndCancel(config(lock(ResourceLockOptions.clientTimeoutFor(renewDeadline)), renewDeadline).build());
      startAndCancel(config(lock(null), renewDeadline).build());
      lines = log.linesContaining("renewDeadline (1.9s)");
    }
    assertEquals(List.of(), lines);
  }

  @Test
  @DisplayName("A wrapped lock reports the client timeout of the lock it wraps, so the check sees through wrappers")
  void throughWrappers() {
    ResourceLock wrapped = ForwardingResourceLock.wrap(lock(Duration.ofSeconds(3)), (operation, record, call) -> call.call());
    assertEquals(Optional.of(Duration.ofSeconds(3)), wrapped.clientTimeout());
  }

  @Test
  @DisplayName("At a renewDeadline of 1 s or less no derived timeout is below it, and the warning says to raise the renewDeadline")
  void tooShortForTheRule() {
    String message = ClientTimeoutCheck.message("ns/app", Duration.ofSeconds(1), Duration.ofMillis(800));
    assertTrue(message.startsWith("ns/app: the lock's client timeout (1s) is not below the elector's renewDeadline (800ms)"),
        message);
    assertTrue(message.contains("raise renewDeadline above 1s"), message);
  }
}
