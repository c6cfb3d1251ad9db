package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.lock.inmemory.InMemoryResourceLock;
import dev.baton.lock.inmemory.WatchableInMemoryResourceLock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The in-memory locks' own rules beyond the kit: the watch's delivery step and the client timeout. */
class WatchableInMemoryResourceLockTest {
  private final InMemoryLockStore store = new InMemoryLockStore();

  private static LeaderElectionRecord held(String holder, int transitions) {
    Instant t = Instant.parse("2030-01-01T00:00:00Z");
    return LeaderElectionRecord.of(holder, 15, t, t, transitions);
  }

  @Test
  @DisplayName("A listener that throws does not fail the writer, and later changes still reach it; a corrupt record is not delivered")
  void deliveryStep() throws Exception {
    WatchableInMemoryResourceLock watcher = new WatchableInMemoryResourceLock(store, "ns", "app", ResourceLockConfig.of("w"));
    InMemoryResourceLock writer = new InMemoryResourceLock(store, "ns", "app", ResourceLockConfig.of("a"));
    List<Integer> seen = new ArrayList<>();
    try (WatchableResourceLock.RecordWatch w = watcher.watch(r -> {
      seen.add(r == null ? -1 : r.record().leaderTransitions());
      if (seen.size() == 1) {
        throw new IllegalStateException("the listener fails once");
      }
    })) {
      writer.create(held("a", 0));                     // delivered; the listener throws
      writer.update(held("a", 1));                     // still delivered
      store.plant("ns", "app", "not json".getBytes(StandardCharsets.UTF_8));   // corrupt: not delivered
      store.delete("ns", "app");                       // a delete is delivered as null
    }
    writer.create(held("a", 2));                       // after the watch closed: not delivered
    assertEquals(List.of(0, 1, -1), seen);
  }

  @Test
  @DisplayName("The in-memory locks report no client timeout (their calls never block) and close without effect")
  void noClientTimeout() {
    InMemoryResourceLock lock = new WatchableInMemoryResourceLock(store, "ns", "app", ResourceLockConfig.of("a"));
    assertTrue(lock.clientTimeout().isEmpty(), "client timeout " + lock.clientTimeout());
    lock.close();
    assertEquals("ns/app", lock.describe());
  }
}
