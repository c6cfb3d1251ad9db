package dev.baton.lock.lease;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import dev.baton.leaderelection.resourcelock.UpdateConflictException;
import dev.baton.testkit.fixture.Await;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Lease and ConfigMap locks' own behaviour on the mock API server. */
class KubernetesLocksTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  static KubernetesApi api;

  @BeforeAll
  static void start() {
    api = KubernetesApi.start();
    api.ensureNamespace("locks");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static String name() {
    return "l-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static ResourceLockOptions.Builder options() {
    return ResourceLockOptions.builder().client(KubernetesClient.class, api.client());
  }

  @Test
  @DisplayName("leases: get reads and caches the Lease; raw bytes are the record's client-go JSON; labels go on create and update")
  void leaseBasics() throws Exception {
    String name = name();
    LeaseLock lock = assertInstanceOf(LeaseLock.class, ResourceLocks.newLock("leases", "locks", name,
        ResourceLockConfig.of("me"), options().setting(KubernetesLockSettings.LABELS, "app=payments,team=core").build()));
    assertEquals("locks/" + name, lock.describe());
    assertThrows(IllegalStateException.class, () -> lock.update(LeaderElectionRecord.of("me", 15, T, T, 0)));
    LeaderElectionRecord record = LeaderElectionRecord.of("me", 15, T, T, 0);
    lock.create(record);
    Lease stored = api.client().leases().inNamespace("locks").withName(name).get();
    assertEquals(Map.of("app", "payments", "team", "core", SharedWatches.LABEL_KEY, "true"), stored.getMetadata().getLabels(),
        "the lock's labels and the shared watch's");
    ObservedRecord observed = lock.get();
    assertEquals(record, observed.record());
    assertArrayEquals(LeaderElectionRecordCodec.encode(record), observed.raw());
    assertEquals(Long.parseLong(stored.getMetadata().getResourceVersion()), lock.revision().orElseThrow());
    stored.getMetadata().setLabels(Map.of("app", "old", "extra", "kept"));
    api.client().resource(stored).update();
    lock.get();
    lock.update(record.withRenewTime(T.plusSeconds(2)));
    assertEquals(Map.of("app", "payments", "team", "core", "extra", "kept", SharedWatches.LABEL_KEY, "true"),
        api.client().leases().inNamespace("locks").withName(name).get().getMetadata().getLabels());
  }

  @Test
  @DisplayName("leases: a Lease without a spec or with a half-filled one reads as zero values")
  void halfFilledLease() throws Exception {
    String name = name();
    api.client().resource(new LeaseBuilder().withNewMetadata().withNamespace("locks").withName(name).endMetadata().build()).create();
    LeaseLock lock = new LeaseLock(api.client(), "locks", name, ResourceLockConfig.of("me"), Map.of());
    assertEquals(new LeaderElectionRecord("", 0, null, null, 0, "", ""), lock.get().record());
    Lease lease = api.client().leases().inNamespace("locks").withName(name).get();
    lease.setSpec(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec());
    lease.getSpec().setHolderIdentity("other");
    lease.getSpec().setRenewTime(ZonedDateTime.parse("2030-01-01T00:00:00Z"));
    api.client().resource(lease).update();
    LeaderElectionRecord half = lock.get().record();
    assertEquals("other", half.holderIdentity());
    assertEquals(0, half.leaseDurationSeconds());
    assertEquals(T, half.renewTime());
  }

  @Test
  @DisplayName("Names Kubernetes rejects are refused before any request, saying the rule")
  void badNames() {
    IllegalArgumentException ns = assertThrows(IllegalArgumentException.class,
        () -> new LeaseLock(api.client(), "Bad_Namespace", "ok", ResourceLockConfig.of("me"), Map.of()));
    assertTrue(ns.getMessage().contains("namespace 'Bad_Namespace' is not a valid Kubernetes namespace"), ns.getMessage());
    IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
        () -> new ConfigMapLock(api.client(), "ok", "-starts-with-dash", ResourceLockConfig.of("me"), Map.of()));
    assertTrue(n.getMessage().contains("not a valid ConfigMap name") && n.getMessage().contains("DNS-1123 subdomain"), n.getMessage());
    IllegalArgumentException labels = assertThrows(IllegalArgumentException.class, () -> ResourceLocks.newLock("leases",
        "ok", "ok", ResourceLockConfig.of("me"), options().setting(KubernetesLockSettings.LABELS, "no value,bad key!=x")
            .setting(KubernetesLockSettings.EVENTS, "maybe").build()));
    assertTrue(labels.getMessage().startsWith("Invalid Kubernetes lock settings: kubernetes.labels entry 'no value'"),
        labels.getMessage());
    assertTrue(labels.getMessage().contains("kubernetes.events 'maybe' must be true or false"), labels.getMessage());
  }

  @Test
  @DisplayName("With kubernetes.events=true, became leader is written as an events.k8s.io/v1 Event about the Lease")
  void events() throws Exception {
    String name = name();
    ResourceLock lock = ResourceLocks.newLock("leases", "locks", name, ResourceLockConfig.of("pod-7"),
        options().setting(KubernetesLockSettings.EVENTS, "true").build());
    lock.create(LeaderElectionRecord.of("pod-7", 15, T, T, 0));
    lock.recordEvent("became leader");
    Await.until(() -> !events(name).isEmpty(), Duration.ofSeconds(10), "an Event about the Lease");
    Event event = events(name).get(0);
    assertEquals("pod-7 became leader", event.getNote());
    assertEquals("LeaderElection", event.getReason());
    assertEquals("Normal", event.getType());
    assertEquals("Lease", event.getRegarding().getKind());
  }

  private static List<Event> events(String leaseName) {
    return api.client().resources(Event.class).inNamespace("locks").list().getItems().stream()
        .filter(e -> e.getRegarding() != null && leaseName.equals(e.getRegarding().getName())).toList();
  }

  @Test
  @DisplayName("leases: the watch delivers another candidate's create, update and the deletion of the Lease")
  void leaseWatch() throws Exception {
    String name = name();
    LeaseLock watcher = new LeaseLock(api.client(), "locks", name, ResourceLockConfig.of("w"), Map.of());
    LeaseLock writer = new LeaseLock(api.client(), "locks", name, ResourceLockConfig.of("x"), Map.of());
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (var watch = watcher.watch(r -> seen.add(r == null ? "deleted" : r.record().holderIdentity()))) {
      writer.create(LeaderElectionRecord.of("x", 15, T, T, 0));
      writer.update(LeaderElectionRecord.of("y", 15, T, T, 1));
      api.client().leases().inNamespace("locks").withName(name).delete();
      Await.until(() -> seen.contains("deleted"), Duration.ofSeconds(10), "watch events, got " + seen);
      assertEquals(List.of("x", "y", "deleted"), seen);
    }
  }

  @Test
  @DisplayName("leases: a watch opened just before a write delivers that write, every time (25 rounds, create then updates)")
  void leaseWatchOpenedJustBeforeWrite() throws Exception {
    String name = name();
    LeaseLock watcher = new LeaseLock(api.client(), "locks", name, ResourceLockConfig.of("w"), Map.of());
    LeaseLock writer = new LeaseLock(api.client(), "locks", name, ResourceLockConfig.of("x"), Map.of());
    for (int round = 1; round <= 25; round++) {
      LeaderElectionRecord written = LeaderElectionRecord.of("x", 15, T, T, round);
      List<LeaderElectionRecord> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      try (var watch = watcher.watch(r -> seen.add(r == null ? null : r.record()))) {
        if (round == 1) {
          writer.create(written);
        } else {
          writer.update(written);
        }
        int r = round;
        Await.until(() -> seen.contains(written), Duration.ofSeconds(10), "round " + r + ": the "
            + (r == 1 ? "create" : "update") + " right after watch() returned, " + written + "; delivered " + seen);
        // The state the watch started from is never delivered, and the write only once.
        assertEquals(List.of(written), seen, "round " + round);
      }
    }
  }

  @Test
  @DisplayName("leases: opening a watch does not move the resourceVersion update compares against")
  void leaseWatchKeepsCompareAndSetVersion() throws Exception {
    String name = name();
    new LeaseLock(api.client(), "locks", name, ResourceLockConfig.of("setup"), Map.of())
        .create(LeaderElectionRecord.of("setup", 15, T, T, 0));
    LeaseLock a = new LeaseLock(api.client(), "locks", name, ResourceLockConfig.of("a"), Map.of());
    LeaseLock b = new LeaseLock(api.client(), "locks", name, ResourceLockConfig.of("b"), Map.of());
    a.get();
    long readByA = a.revision().orElseThrow();
    b.get();
    b.update(LeaderElectionRecord.of("b", 15, T, T, 1));
    try (var watch = a.watch(r -> { })) {
      assertEquals(readByA, a.revision().orElseThrow(), "the watch's read changed a's resourceVersion");
      assertThrows(UpdateConflictException.class, () -> a.update(LeaderElectionRecord.of("a", 15, T, T, 2)));
    }
    assertEquals("b", new LeaseLock(api.client(), "locks", name, ResourceLockConfig.of("c"), Map.of()).get().record()
        .holderIdentity());
  }

  @Test
  @DisplayName("configmaps: the record is client-go's JSON in the leader annotation, and the raw bytes are the annotation's")
  void configMapAnnotation() throws Exception {
    String name = name();
    ConfigMapLock lock = new ConfigMapLock(api.client(), "locks", name, ResourceLockConfig.of("me"), Map.of());
    LeaderElectionRecord record = LeaderElectionRecord.of("me", 15, T, T, 3);
    lock.create(record);
    ConfigMap cm = api.client().configMaps().inNamespace("locks").withName(name).get();
    String annotation = cm.getMetadata().getAnnotations().get("control-plane.alpha.kubernetes.io/leader");
    assertEquals(new String(LeaderElectionRecordCodec.encode(record), java.nio.charset.StandardCharsets.UTF_8), annotation);
    assertArrayEquals(annotation.getBytes(java.nio.charset.StandardCharsets.UTF_8), lock.get().raw());
  }

  @Test
  @DisplayName("configmaps: reads the record fabric8's own ConfigMapLock wrote (leaseDuration as a Java duration) and takes it over")
  void readsFabric8ConfigMap() throws Exception {
    String name = name();
    new io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.ConfigMapLock("locks", name, "fabric8-pod")
        .create(api.client(), new io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord(
            "fabric8-pod", Duration.ofSeconds(15), ZonedDateTime.parse("2030-01-01T00:00:00.123Z"),
            ZonedDateTime.parse("2030-01-01T00:00:01Z"), 3));
    ConfigMapLock lock = new ConfigMapLock(api.client(), "locks", name, ResourceLockConfig.of("baton-pod"), Map.of());
    LeaderElectionRecord read = lock.get().record();
    assertEquals(new LeaderElectionRecord("fabric8-pod", 15, Instant.parse("2030-01-01T00:00:00.123Z"),
        Instant.parse("2030-01-01T00:00:01Z"), 3, "", ""), read);
    lock.update(LeaderElectionRecord.of("baton-pod", 15, T, T, 4));
    assertEquals("baton-pod", lock.get().record().holderIdentity());
  }
}
