package dev.baton.leaderelection.resourcelock;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ResourceLockConfigTest {

  @Test
  @DisplayName("recordLeaderEvent writes client-go's event: Normal, LeaderElection, \"<identity> <message>\", about the subject")
  void leaderEvent() {
    List<String> events = new ArrayList<>();
    ResourceLockConfig config = new ResourceLockConfig("pod-1",
        (obj, type, reason, fmt, args) -> events.add(obj + "|" + type + "|" + reason + "|" + String.format(fmt, args)));
    config.recordLeaderEvent("ns/lock", "became leader");
    assertEquals(List.of("ns/lock|Normal|LeaderElection|pod-1 became leader"), events);
  }

  @Test
  @DisplayName("A failing recorder never breaks the caller")
  void failingRecorder() {
    List<String> attempts = new ArrayList<>();
    ResourceLockConfig config = new ResourceLockConfig("pod-1", (obj, type, reason, fmt, args) -> {
      attempts.add(String.format(fmt, args));
      throw new IllegalStateException("event sink down");
    });
    assertDoesNotThrow(() -> config.recordLeaderEvent("ns/lock", "stopped leading"));
    assertEquals(List.of("pod-1 stopped leading"), attempts, "the recorder was asked");
  }

  @Test
  @DisplayName("A missing recorder becomes NONE; a missing identity is refused with advice")
  void defaults() {
    assertSame(EventRecorder.NONE, new ResourceLockConfig("a", null).eventRecorder());
    NullPointerException e = assertThrows(NullPointerException.class, () -> ResourceLockConfig.of(null));
    assertEquals("identity must not be null: give each candidate a unique identity such as its pod name", e.getMessage());
  }
}
