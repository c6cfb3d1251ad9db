package dev.baton.lock.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock.RecordWatch;
import dev.baton.testkit.fixture.Await;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Faults of one lock's listener must stay with that lock: the shared watch delivers to every other
 * lock of the client, namespace and kind as before. On fabric8's CRUD mock API server, a server per test.
 */
class SharedWatchFaultTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  KubernetesApi api;
  KubernetesClient watching;

  @BeforeEach
  void start() {
    api = KubernetesApi.mock(new KubernetesWatchResumeTest.RecordingDispatcher());
    watching = api.newClient(c -> c);
  }

  @AfterEach
  void stop() {
    watching.close();
    api.close();
  }

  private static String holder(ObservedRecord r) {
    return r == null ? "deleted" : r.record().holderIdentity();
  }

  private static String name(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private LeaseLock writer(String name) {
    return new LeaseLock(api.client(), "locks", name, ResourceLockConfig.of("writer"), Map.of());
  }

  private LeaseLock watcher(String name) {
    return new LeaseLock(watching, "locks", name, ResourceLockConfig.of("watcher"), Map.of());
  }

  /** An Error a listener throws (an AssertionError in a test's listener, a LinkageError, a StackOverflowError). */
  static final class ListenerError extends Error {
    ListenerError(String message) {
      super(message);
    }
  }

  @Test
  @DisplayName("A listener that throws an Error stops neither another lock's watch of the same Lease, nor the shared watch, "
      + "nor its own later deliveries")
  void listenerErrorStaysWithItsLock() throws Exception {
    String name = name("error");
    String other = name("other");
    LeaseLock baton = writer(name);
    baton.create(LeaderElectionRecord.of("a", 15, T, T, 0));
    LeaseLock otherWriter = writer(other);
    otherWriter.create(LeaderElectionRecord.of("x", 15, T, T, 0));
    List<String> throwing = new CopyOnWriteArrayList<>();
    List<String> same = new CopyOnWriteArrayList<>();
    List<String> elsewhere = new CopyOnWriteArrayList<>();
    try (RecordWatch w1 = watcher(name).watch(r -> {
          throwing.add(holder(r));
          throw new ListenerError("listener failed on " + holder(r));
        });
        RecordWatch w2 = watcher(name).watch(r -> same.add(holder(r)));
        RecordWatch w3 = watcher(other).watch(r -> elsewhere.add(holder(r)))) {
      baton.update(LeaderElectionRecord.of("b", 15, T, T, 1));
      Await.until(() -> throwing.contains("b"), Duration.ofSeconds(10), "the throwing listener's call, got " + throwing);
      Await.until(() -> same.contains("b"), Duration.ofSeconds(10), "the other watch of the same Lease, got " + same);
      otherWriter.update(LeaderElectionRecord.of("y", 15, T, T, 1));
      Await.until(() -> elsewhere.contains("y"), Duration.ofSeconds(10), "the shared watch goes on, got " + elsewhere);
      baton.update(LeaderElectionRecord.of("c", 15, T, T, 2));
      Await.until(() -> same.contains("c") && throwing.contains("c"), Duration.ofSeconds(10),
          "later writes to both, got " + same + " and " + throwing);
      assertEquals(List.of("b", "c"), same);
      assertEquals(List.of("b", "c"), throwing, "a listener that threw still gets the later writes, once each");
      assertEquals(List.of("y"), elsewhere);
    }
  }

  @Test
  @DisplayName("A listener that throws an Error on a deletion (delivered after a re-read, on the retry thread) still gets the "
      + "Lease created again")
  void listenerErrorOnDeletionKeepsTheWatchGoing() throws Exception {
    String name = name("error-deleted");
    LeaseLock baton = writer(name);
    baton.create(LeaderElectionRecord.of("a", 15, T, T, 0));
    List<String> seen = new CopyOnWriteArrayList<>();
    try (RecordWatch w = watcher(name).watch(r -> {
          seen.add(holder(r));
          throw new ListenerError("listener failed on " + holder(r));
        })) {
      api.client().leases().inNamespace("locks").withName(name).delete();
      Await.until(() -> seen.contains("deleted"), Duration.ofSeconds(10), "the deletion, got " + seen);
      writer(name).create(LeaderElectionRecord.of("b", 15, T, T, 0));
      Await.until(() -> seen.contains("b"), Duration.ofSeconds(10), "the Lease created again, got " + seen);
      assertEquals(List.of("deleted", "b"), seen);
    }
  }

  @Test
  @DisplayName("A listener that closes its own watch (the shared watch's last) is not called again, and a new watch on the "
      + "client delivers")
  void closeFromInsideTheListener() throws Exception {
    String name = name("self-close");
    LeaseLock baton = writer(name);
    baton.create(LeaderElectionRecord.of("a", 15, T, T, 0));
    List<String> seen = new CopyOnWriteArrayList<>();
    RecordWatch[] self = new RecordWatch[1];
    java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    self[0] = watcher(name).watch(r -> {
      seen.add(holder(r));
      self[0].close();
      closed.countDown();
    });
    baton.update(LeaderElectionRecord.of("b", 15, T, T, 1));
    assertEquals(true, closed.await(10, java.util.concurrent.TimeUnit.SECONDS), "close() from inside the listener returned");
    assertEquals(0, SharedWatches.subscribers(watching, "locks", io.fabric8.kubernetes.api.model.coordination.v1.Lease.class));
    baton.update(LeaderElectionRecord.of("c", 15, T, T, 2));
    List<String> again = new CopyOnWriteArrayList<>();
    try (RecordWatch w = watcher(name).watch(r -> again.add(holder(r)))) {
      baton.update(LeaderElectionRecord.of("d", 15, T, T, 3));
      Await.until(() -> again.contains("d"), Duration.ofSeconds(10), "the new watch's write, got " + again);
    }
    assertEquals(List.of("b"), seen, "the closed watch's listener is not called again");
    assertEquals(List.of("d"), again);
  }

  /** Writes {@code holder}; {@code labelled} false removes every label, as a client that drops them would. */
  private void write(String name, String holder, int transitions, boolean labelled) {
    io.fabric8.kubernetes.api.model.coordination.v1.Lease lease = api.client().leases().inNamespace("locks").withName(name).get();
    lease.getMetadata().setLabels(labelled ? Map.of(SharedWatches.LABEL_KEY, SharedWatches.LABEL_VALUE) : Map.of());
    lease.setSpec(LeaseRecords.toLeaseSpec(LeaderElectionRecord.of(holder, 15, T, T, transitions)));
    api.client().resource(lease).update();
  }

  @Test
  @DisplayName("A Lease labelled and unlabelled back and forth, with the retry thread busy: deliveries keep their order, "
      + "never repeat, never report a deletion, and end with the last write")
  void labelFlapping() throws Exception {
    String name = name("flap");
    api.client().resource(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder().withNewMetadata()
        .withNamespace("locks").withName(name).endMetadata()
        .withSpec(LeaseRecords.toLeaseSpec(LeaderElectionRecord.of("a", 15, T, T, 0))).build()).create();
    List<String> seen = new CopyOnWriteArrayList<>();
    try (RecordWatch w = watcher(name).watch(r -> seen.add(holder(r)))) {
      for (int round = 0; round < 3; round++) {
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        SharedWatches.RETRY.execute(() -> {
          try {
            busy.await(5, java.util.concurrent.TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        write(name, "l" + round, 1, true);
        write(name, "u" + round, 1, false);
        write(name, "L" + round, 1, true);
        write(name, "U" + round, 1, false);
        Thread.sleep(300);
        busy.countDown();
        String last = "U" + round;
        Await.until(() -> seen.contains(last), Duration.ofSeconds(10), "the round's last write, got " + seen);
      }
      write(name, "end", 1, false);
      Await.until(() -> seen.contains("end"), Duration.ofSeconds(10), "the last write, got " + seen);
      List<String> order = List.of("l0", "u0", "L0", "U0", "l1", "u1", "L1", "U1", "l2", "u2", "L2", "U2", "end");
      int previous = -1;
      for (String s : seen) {
        int at = order.indexOf(s);
        assertEquals(true, at > previous, "in order, once each, no deletion: " + seen);
        previous = at;
      }
    }
  }
}
