package dev.baton.lock.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock.RecordWatch;
import dev.baton.testkit.fixture.Await;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.MockResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes locks' shared watch: one watch request per client, namespace and kind however many
 * locks watch, each lock getting its own object's writes; objects without the label (created by
 * client-go or an older Baton) still watched, by name. On fabric8's CRUD mock API server, which
 * filters watches by label selector as the API server does (an object gaining the label is ADDED to
 * the selection, one losing it DELETED), a server per test, counting its watch requests.
 */
class SharedKubernetesWatchTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  private static final int LOCKS = 250;
  KubernetesWatchResumeTest.RecordingDispatcher dispatcher;
  KubernetesApi api;
  /** The watching client: the shared watch is per client, so not the one the writers use. */
  KubernetesClient watching;

  @BeforeEach
  void start() {
    dispatcher = new KubernetesWatchResumeTest.RecordingDispatcher();
    api = KubernetesApi.mock(dispatcher);
    watching = api.newClient(c -> c);
  }

  @AfterEach
  void stop() {
    watching.close();
    api.close();
  }

  private static String holder(dev.baton.leaderelection.resourcelock.ObservedRecord r) {
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

  /** A Lease as client-go creates it: without the shared watch's label. */
  private void createUnlabelled(String name, String holder) {
    api.client().resource(new LeaseBuilder().withNewMetadata().withNamespace("locks").withName(name).endMetadata()
        .withSpec(LeaseRecords.toLeaseSpec(LeaderElectionRecord.of(holder, 15, T, T, 0))).build()).create();
  }

  /** Writes {@code holder} into the Lease as client-go would: its labels as they are. */
  private void writeAsClientGo(String name, String holder) {
    Lease lease = api.client().leases().inNamespace("locks").withName(name).get();
    lease.setSpec(LeaseRecords.toLeaseSpec(LeaderElectionRecord.of(holder, 15, T, T, 1)));
    api.client().resource(lease).update();
  }

  @Test
  @DisplayName("250 Lease locks on one client and namespace open one watch request; each gets its own writes only; "
      + "closing one leaves the others delivering; the last close ends the shared watch")
  void manyLocksOneWatch() throws Exception {
    List<String> names = new ArrayList<>();
    List<LeaseLock> writers = new ArrayList<>();
    for (int i = 0; i < LOCKS; i++) {
      String name = name("many" + i);
      names.add(name);
      LeaseLock writer = writer(name);
      writer.create(LeaderElectionRecord.of("first-" + i, 15, T, T, 0));
      writers.add(writer);
    }
    dispatcher.watchPaths.clear();
    long requestsBefore = SharedWatches.watchRequests();
    long byNameBefore = KubernetesObjectLock.BY_NAME_WATCH_REQUESTS.get();
    Map<Integer, List<String>> seen = new HashMap<>();
    List<RecordWatch> watches = new ArrayList<>();
    for (int i = 0; i < LOCKS; i++) {
      List<String> mine = new CopyOnWriteArrayList<>();
      seen.put(i, mine);
      watches.add(watcher(names.get(i)).watch(r -> mine.add(holder(r))));
    }
    assertEquals(1, dispatcher.watchPaths.size(), "one watch request for " + LOCKS + " locks: " + dispatcher.watchPaths);
    assertEquals(1, dispatcher.sharedWatches().size(), "the namespace's labelled Leases: " + dispatcher.watchPaths);
    assertEquals(1, SharedWatches.watchRequests() - requestsBefore, "the registry opened one namespace watch");
    assertEquals(0, KubernetesObjectLock.BY_NAME_WATCH_REQUESTS.get() - byNameBefore, "and no watch by name");
    assertEquals(LOCKS, SharedWatches.subscribers(watching, "locks", Lease.class));

    for (int i = 0; i < LOCKS; i++) {
      writers.get(i).update(LeaderElectionRecord.of("second-" + i, 15, T, T, 1));
    }
    for (int i = 0; i < LOCKS; i++) {
      int n = i;
      Await.until(() -> seen.get(n).contains("second-" + n), Duration.ofSeconds(20), "lock " + n + "'s write, got " + seen.get(n));
    }
    for (int i = 0; i < LOCKS; i++) {
      assertEquals(List.of("second-" + i), seen.get(i), "lock " + i + " gets its own write, once, and nothing else");
    }

    watches.get(0).close();
    assertEquals(LOCKS - 1, SharedWatches.subscribers(watching, "locks", Lease.class));
    writers.get(0).update(LeaderElectionRecord.of("third-0", 15, T, T, 2));
    writers.get(1).update(LeaderElectionRecord.of("third-1", 15, T, T, 2));
    writers.get(LOCKS - 1).update(LeaderElectionRecord.of("third-last", 15, T, T, 2));
    Await.until(() -> seen.get(1).contains("third-1") && seen.get(LOCKS - 1).contains("third-last"), Duration.ofSeconds(10),
        "the other locks still deliver, got " + seen.get(1) + " and " + seen.get(LOCKS - 1));
    // The write to lease 0 went out on the shared watch before the ones after it: had it been delivered, it would be by now.
    assertEquals(List.of("second-0"), seen.get(0), "a closed watch's listener is not called again");
    assertEquals(1, dispatcher.watchPaths.size(), "still the one watch request: " + dispatcher.watchPaths);

    for (RecordWatch w : watches) {
      w.close();
    }
    assertEquals(0, SharedWatches.subscribers(watching, "locks", Lease.class), "the last close ends the shared watch");
    // A new watch after the last close opens a new shared watch.
    List<String> again = new CopyOnWriteArrayList<>();
    try (RecordWatch w = watcher(names.get(2)).watch(r -> again.add(holder(r)))) {
      assertEquals(2, dispatcher.sharedWatches().size(), "a second namespace watch: " + dispatcher.watchPaths);
      writers.get(2).update(LeaderElectionRecord.of("fourth-2", 15, T, T, 3));
      Await.until(() -> again.contains("fourth-2"), Duration.ofSeconds(10), "the write after reopening, got " + again);
    }
    assertEquals(List.of("fourth-2"), again, "the new watch starts from its own read");
  }

  @Test
  @DisplayName("An unlabelled Lease (as client-go creates it) is watched by name until a Baton lock's update labels it")
  void unlabelledLeaseWatchedByNameUntilLabelled() throws Exception {
    String name = name("unlabelled");
    createUnlabelled(name, "go-a");
    dispatcher.watchPaths.clear();
    List<String> seen = new CopyOnWriteArrayList<>();
    try (RecordWatch w = watcher(name).watch(r -> seen.add(holder(r)))) {
      assertEquals(1, dispatcher.sharedWatches().size(), "the shared watch: " + dispatcher.watchPaths);
      assertEquals(1, dispatcher.byNameWatches().size(), "and one by name for the unlabelled Lease: " + dispatcher.watchPaths);
      writeAsClientGo(name, "go-b");
      Await.until(() -> seen.contains("go-b"), Duration.ofSeconds(10), "client-go's write, got " + seen);
      LeaseLock baton = writer(name);
      baton.get();
      baton.update(LeaderElectionRecord.of("baton-c", 15, T, T, 2)); // labels the Lease
      Await.until(() -> seen.contains("baton-c"), Duration.ofSeconds(10), "Baton's write, got " + seen);
      writeAsClientGo(name, "go-d"); // keeps the label, as client-go keeps the labels it read
      Await.until(() -> seen.contains("go-d"), Duration.ofSeconds(10), "client-go's write after the label, got " + seen);
      assertEquals(List.of("go-b", "baton-c", "go-d"), seen, "each write once, in order");
      assertTrue(SharedWatches.labelled(api.client().leases().inNamespace("locks").withName(name).get()));
      assertEquals(1, dispatcher.byNameWatches().size(), "the watch by name was not opened again: " + dispatcher.watchPaths);
    }
  }

  @Test
  @DisplayName("A Lease absent at the start opens no watch by name; a Baton lock's create and writes are delivered through the shared watch")
  void absentThenCreatedByBaton() throws Exception {
    String name = name("absent");
    dispatcher.watchPaths.clear();
    List<String> seen = new CopyOnWriteArrayList<>();
    try (RecordWatch w = watcher(name).watch(r -> seen.add(holder(r)))) {
      LeaseLock baton = writer(name);
      baton.create(LeaderElectionRecord.of("baton-a", 15, T, T, 0));
      Await.until(() -> seen.contains("baton-a"), Duration.ofSeconds(10), "the create, got " + seen);
      baton.update(LeaderElectionRecord.of("baton-b", 15, T, T, 1));
      Await.until(() -> seen.contains("baton-b"), Duration.ofSeconds(10), "the update, got " + seen);
      assertEquals(List.of("baton-a", "baton-b"), seen);
      assertEquals(0, dispatcher.byNameWatches().size(), "an absent Lease needs no watch by name: " + dispatcher.watchPaths);
    }
  }

  @Test
  @DisplayName("A Lease absent at the start, then created by client-go without the label, is not delivered (the next poll finds it); once a Baton lock wrote it, its writes are")
  void absentThenCreatedUnlabelled() throws Exception {
    String name = name("absent-go");
    List<String> seen = new CopyOnWriteArrayList<>();
    LeaseLock watcherLock = watcher(name);
    try (RecordWatch w = watcherLock.watch(r -> seen.add(holder(r)))) {
      createUnlabelled(name, "go-a");
      // What the elector's poll does: it reads the Lease, which the watch did not report.
      assertEquals("go-a", watcherLock.get().record().holderIdentity());
      LeaseLock baton = writer(name);
      baton.get();
      baton.update(LeaderElectionRecord.of("baton-b", 15, T, T, 1));
      Await.until(() -> seen.contains("baton-b"), Duration.ofSeconds(10), "the labelling update, got " + seen);
      writeAsClientGo(name, "go-c"); // keeps the label, as client-go keeps the labels it read
      Await.until(() -> seen.contains("go-c"), Duration.ofSeconds(10), "client-go's write after the label, got " + seen);
      assertEquals(List.of("baton-b", "go-c"), seen);
    }
  }

  @Test
  @DisplayName("A labelled Lease deleted, then created again by client-go without the label: the deletion is delivered, and writes once a Baton lock labelled it")
  void deletedAndRecreatedUnlabelled() throws Exception {
    String name = name("recreated");
    LeaseLock baton = writer(name);
    baton.create(LeaderElectionRecord.of("baton-a", 15, T, T, 0));
    dispatcher.watchPaths.clear();
    List<String> seen = new CopyOnWriteArrayList<>();
    try (RecordWatch w = watcher(name).watch(r -> seen.add(holder(r)))) {
      assertEquals(0, dispatcher.byNameWatches().size(), "a labelled Lease needs no watch by name: " + dispatcher.watchPaths);
      api.client().leases().inNamespace("locks").withName(name).delete();
      Await.until(() -> seen.contains("deleted"), Duration.ofSeconds(10), "the deletion, got " + seen);
      assertEquals(0, dispatcher.byNameWatches().size(), "a deleted Lease needs no watch by name: " + dispatcher.watchPaths);
      createUnlabelled(name, "go-b");
      LeaseLock again = writer(name);
      again.get();
      again.update(LeaderElectionRecord.of("baton-c", 15, T, T, 1));
      Await.until(() -> seen.contains("baton-c"), Duration.ofSeconds(10), "the labelling update, got " + seen);
      assertEquals(List.of("deleted", "baton-c"), seen);
    }
  }

  @Test
  @DisplayName("A label removed by someone else is a write, not a deletion; later writes are still delivered")
  void labelRemoved() throws Exception {
    String name = name("unlabel");
    LeaseLock baton = writer(name);
    baton.create(LeaderElectionRecord.of("baton-a", 15, T, T, 0));
    List<String> seen = new CopyOnWriteArrayList<>();
    try (RecordWatch w = watcher(name).watch(r -> seen.add(holder(r)))) {
      Lease lease = api.client().leases().inNamespace("locks").withName(name).get();
      lease.getMetadata().setLabels(Map.of("other", "x"));
      lease.setSpec(LeaseRecords.toLeaseSpec(LeaderElectionRecord.of("go-b", 15, T, T, 1)));
      api.client().resource(lease).update();
      Await.until(() -> seen.contains("go-b"), Duration.ofSeconds(10), "the write that removed the label, got " + seen);
      writeAsClientGo(name, "go-c");
      Await.until(() -> seen.contains("go-c"), Duration.ofSeconds(10), "the write after it, got " + seen);
      assertEquals(List.of("go-b", "go-c"), seen, "no deletion: the Lease was never deleted");
    }
  }

  @Test
  @DisplayName("Each client has its own shared watch; closing one client's lock watch leaves the other client's delivering")
  void perClient() throws Exception {
    String name = name("clients");
    LeaseLock baton = writer(name);
    baton.create(LeaderElectionRecord.of("a", 15, T, T, 0));
    List<String> one = new CopyOnWriteArrayList<>();
    List<String> two = new CopyOnWriteArrayList<>();
    try (KubernetesClient other = api.newClient(c -> c);
        RecordWatch w1 = watcher(name).watch(r -> one.add(holder(r)));
        RecordWatch w2 = new LeaseLock(other, "locks", name, ResourceLockConfig.of("o"), Map.of()).watch(r -> two.add(holder(r)))) {
      assertEquals(2, dispatcher.sharedWatches().size(), "one shared watch per client: " + dispatcher.watchPaths);
      w1.close();
      assertEquals(0, SharedWatches.subscribers(watching, "locks", Lease.class));
      assertEquals(1, SharedWatches.subscribers(other, "locks", Lease.class));
      baton.update(LeaderElectionRecord.of("b", 15, T, T, 1));
      Await.until(() -> two.contains("b"), Duration.ofSeconds(10), "the other client's watch, got " + two);
      assertEquals(List.of(), one);
    }
  }

  /** The CRUD dispatcher, forbidding to list or watch a namespace's labelled Leases, as a Role restricted to resourceNames does. */
  static final class NoNamespaceWatchDispatcher extends KubernetesWatchResumeTest.RecordingDispatcher {
    final List<String> forbidden = new CopyOnWriteArrayList<>();

    private MockResponse forbid(String path) {
      forbidden.add(path);
      return new MockResponse().setResponseCode(403).setHeader("Content-Type", "application/json").setBody(
          "{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"leases.coordination.k8s.io is "
          + "forbidden: User \\\"app\\\" cannot list resource \\\"leases\\\"\",\"reason\":\"Forbidden\",\"code\":403}");
    }

    @Override
    public MockResponse handleGet(String path) {
      return isShared(path) ? forbid(path) : super.handleGet(path);
    }

    @Override
    public MockResponse handleWatch(String path) {
      return isShared(path) ? forbid(path) : super.handleWatch(path);
    }
  }

  @Test
  @DisplayName("When the Role forbids listing and watching the namespace's Leases, each lock watches its own Lease by name")
  void forbiddenNamespaceWatchFallsBackToWatchesByName() throws Exception {
    NoNamespaceWatchDispatcher forbidding = new NoNamespaceWatchDispatcher();
    try (KubernetesApi restricted = KubernetesApi.mock(forbidding)) {
      List<String> names = List.of(name("rbac"), name("rbac"), name("rbac"));
      List<List<String>> seen = new ArrayList<>();
      List<RecordWatch> watches = new ArrayList<>();
      try {
        for (String n : names) {
          new LeaseLock(restricted.client(), "locks", n, ResourceLockConfig.of("writer"), Map.of())
              .create(LeaderElectionRecord.of("a", 15, T, T, 0));
          List<String> mine = new CopyOnWriteArrayList<>();
          seen.add(mine);
          watches.add(new LeaseLock(restricted.client(), "locks", n, ResourceLockConfig.of("w"), Map.of())
              .watch(r -> mine.add(holder(r))));
        }
        assertEquals(1, forbidding.forbidden.size(), "one attempt at the shared watch: " + forbidding.forbidden);
        assertEquals(3, forbidding.byNameWatches().size(), "then a watch by name per lock: " + forbidding.watchPaths);
        for (int i = 0; i < names.size(); i++) {
          LeaseLock writer = new LeaseLock(restricted.client(), "locks", names.get(i), ResourceLockConfig.of("writer"), Map.of());
          writer.get();
          writer.update(LeaderElectionRecord.of("b" + i, 15, T, T, 1));
        }
        for (int i = 0; i < names.size(); i++) {
          int n = i;
          Await.until(() -> seen.get(n).contains("b" + n), Duration.ofSeconds(10), "lock " + n + "'s write, got " + seen.get(n));
          assertEquals(List.of("b" + i), seen.get(i));
        }
      } finally {
        watches.forEach(RecordWatch::close);
      }
    }
  }
}
