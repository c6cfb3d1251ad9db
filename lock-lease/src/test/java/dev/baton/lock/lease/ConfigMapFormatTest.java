package dev.baton.lock.lease;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The ConfigMap lock writes back in the form it found, and fabric8's own classes read what it writes. */
class ConfigMapFormatTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00.123456789Z");
  static KubernetesApi api;

  @BeforeAll
  static void start() {
    api = KubernetesApi.start();
    api.ensureNamespace("formats");
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static String name() {
    return "f-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord fabric8Record(
      String holder, Duration lease, Instant acquire, Instant renew, int transitions) {
    return new io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord(holder, lease,
        acquire.atZone(ZoneOffset.UTC), renew.atZone(ZoneOffset.UTC), transitions);
  }

  /** What fabric8 8.0's own ConfigMapLock reads from the annotation (its get parses with these classes). */
  private static io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord readByFabric8(
      byte[] annotation) {
    return Serialization.unmarshal(new String(annotation, StandardCharsets.UTF_8),
        io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord.class);
  }

  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("fabric8's form as Baton writes it is byte for byte what fabric8's Serialization writes, held and released")
  void sameBytesAsFabric8() {
    Instant renew = T.plusSeconds(5);
    assertEquals(Serialization.asJson(fabric8Record("a", Duration.ofSeconds(15), T.truncatedTo(java.time.temporal.ChronoUnit.MICROS),
            renew.truncatedTo(java.time.temporal.ChronoUnit.MICROS), 3)),
        utf8(Fabric8Records.encode(LeaderElectionRecord.of("a", 15, T, renew, 3))));
    assertEquals(Serialization.asJson(fabric8Record(null, Duration.ofSeconds(1), T.truncatedTo(java.time.temporal.ChronoUnit.MICROS),
            T.truncatedTo(java.time.temporal.ChronoUnit.MICROS), 4)),
        utf8(Fabric8Records.encode(LeaderElectionRecord.of("", 1, T, T, 4))));
    Instant whole = Instant.parse("2030-01-01T00:00:00Z");
    assertEquals(Serialization.asJson(fabric8Record("a", Duration.ofSeconds(90), whole, whole, 0)),
        utf8(Fabric8Records.encode(LeaderElectionRecord.of("a", 90, whole, whole, 0))));
  }

  @Test
  @DisplayName("fabric8's LeaderElectionRecord reads what Baton writes in fabric8's form; Baton reads it back to the same record")
  void fabric8ReadsBaton() {
    byte[] written = Fabric8Records.encode(LeaderElectionRecord.of("baton-pod", 15, T, T.plusSeconds(2), 7));
    var read = readByFabric8(written);
    assertEquals("baton-pod", read.getHolderIdentity());
    assertEquals(Duration.ofSeconds(15), read.getLeaseDuration());
    assertEquals(Instant.parse("2030-01-01T00:00:00.123456Z"), read.getAcquireTime().toInstant());
    assertEquals(Instant.parse("2030-01-01T00:00:02.123456Z"), read.getRenewTime().toInstant());
    assertEquals(7, read.getLeaderTransitions());
    assertEquals(new LeaderElectionRecord("baton-pod", 15, Instant.parse("2030-01-01T00:00:00.123456Z"),
        Instant.parse("2030-01-01T00:00:02.123456Z"), 7, "", ""), Fabric8Records.decode(written).orElseThrow());
    var released = readByFabric8(Fabric8Records.encode(LeaderElectionRecord.of("", 1, T, T, 8)));
    assertEquals(null, released.getHolderIdentity());
    assertEquals(Duration.ofSeconds(1), released.getLeaseDuration());
    assertEquals(8, released.getLeaderTransitions());
  }

  @Test
  @DisplayName("A ConfigMap fabric8 wrote keeps fabric8's form when Baton updates it; fabric8's ConfigMapLock reads Baton's holder; get returns the stored bytes")
  void fabric8StaysFabric8() throws Exception {
    String name = name();
    var fabric8Lock = new io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.ConfigMapLock("formats", name, "fabric8-pod");
    fabric8Lock.create(api.client(), fabric8Record("fabric8-pod", Duration.ofSeconds(15), T, T, 3));
    ConfigMapLock lock = new ConfigMapLock(api.client(), "formats", name, ResourceLockConfig.of("baton-pod"), Map.of());
    lock.get();
    LeaderElectionRecord mine = LeaderElectionRecord.of("baton-pod", 15, T.plusSeconds(30), T.plusSeconds(31), 4);
    lock.update(mine);
    byte[] stored = api.annotation("formats", name).orElseThrow();
    assertEquals(utf8(Fabric8Records.encode(mine)), utf8(stored));
    assertArrayEquals(stored, lock.get().raw());
    assertArrayEquals(lock.get().raw(), lock.get().raw());
    var seen = fabric8Lock.get(api.client());
    assertEquals("baton-pod", seen.getHolderIdentity());
    assertEquals(Duration.ofSeconds(15), seen.getLeaseDuration());
    assertEquals(4, seen.getLeaderTransitions());
  }

  @Test
  @DisplayName("A ConfigMap in client-go's form stays in client-go's form, whatever form the lock writes into new ones")
  void clientGoStaysClientGo() throws Exception {
    String name = name();
    LeaderElectionRecord first = LeaderElectionRecord.of("go-pod", 15, T, T, 1);
    api.plantAnnotation("formats", name, LeaderElectionRecordCodec.encode(first));
    ConfigMapLock lock = new ConfigMapLock(api.client(), "formats", name, ResourceLockConfig.of("baton-pod"), Map.of(),
        ConfigMapLock.Format.FABRIC8);
    assertArrayEquals(LeaderElectionRecordCodec.encode(first), lock.get().raw());
    LeaderElectionRecord mine = LeaderElectionRecord.of("baton-pod", 15, T.plusSeconds(30), T.plusSeconds(30), 2);
    lock.update(mine);
    assertEquals(utf8(LeaderElectionRecordCodec.encode(mine)), utf8(api.annotation("formats", name).orElseThrow()));
    assertArrayEquals(LeaderElectionRecordCodec.encode(mine), lock.get().raw());
  }

  @Test
  @DisplayName("A new ConfigMap gets client-go's form by default, fabric8's with kubernetes.configmapFormat=fabric8; other values are refused")
  void newConfigMapFormatSetting() throws Exception {
    LeaderElectionRecord record = LeaderElectionRecord.of("baton-pod", 15, T, T, 0);
    String plain = name();
    ResourceLocks.newLock(ResourceLocks.CONFIGMAPS, "formats", plain, ResourceLockConfig.of("baton-pod"),
        ResourceLockOptions.builder().client(KubernetesClient.class, api.client()).build()).create(record);
    assertEquals(utf8(LeaderElectionRecordCodec.encode(record)), utf8(api.annotation("formats", plain).orElseThrow()));

    String fabric8 = name();
    ResourceLock lock = ResourceLocks.newLock(ResourceLocks.CONFIGMAPS, "formats", fabric8, ResourceLockConfig.of("baton-pod"),
        ResourceLockOptions.builder().client(KubernetesClient.class, api.client())
            .setting(KubernetesLockSettings.CONFIGMAP_FORMAT, "fabric8").build());
    assertInstanceOf(ConfigMapLock.class, lock);
    lock.create(record);
    assertArrayEquals(Fabric8Records.encode(record), lock.get().raw());
    assertEquals(utf8(Fabric8Records.encode(record)), utf8(api.annotation("formats", fabric8).orElseThrow()));
    var seen = new io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.ConfigMapLock("formats", fabric8, "x")
        .get(api.client());
    assertEquals("baton-pod", seen.getHolderIdentity());

    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ResourceLocks.newLock(
        ResourceLocks.CONFIGMAPS, "formats", name(), ResourceLockConfig.of("baton-pod"),
        ResourceLockOptions.builder().client(KubernetesClient.class, api.client())
            .setting(KubernetesLockSettings.CONFIGMAP_FORMAT, "go").build()));
    assertTrue(refused.getMessage().contains("kubernetes.configmapFormat 'go' must be client-go or fabric8"), refused.getMessage());
  }
}
