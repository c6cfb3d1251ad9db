package dev.baton.lock.multi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockTypeResolutionException;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.lock.inmemory.InMemoryResourceLock;
import dev.baton.lock.inmemory.InMemoryResourceLockProvider;
import dev.baton.lock.inmemory.WatchableInMemoryResourceLock;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Composite lock types through the factory. */
class MultiLockProviderTest {
  private static final ResourceLockConfig ME = ResourceLockConfig.of("me");

  @Test
  @DisplayName("PRIMARY-to-SECONDARY resolves each part through its own provider, with per-part settings")
  void compositeWithPartSettings() throws Exception {
    String p = "p-" + UUID.randomUUID();
    String s = "s-" + UUID.randomUUID();
    ResourceLockOptions options = ResourceLockOptions.builder()
        .setting(InMemoryResourceLockProvider.WATCH_SETTING, "false")
        .setting("primary." + InMemoryResourceLockProvider.STORE_SETTING, p)
        .setting("secondary." + InMemoryResourceLockProvider.STORE_SETTING, s)
        .setting("secondary." + InMemoryResourceLockProvider.WATCH_SETTING, "true")
        .build();
    MultiLock lock = assertInstanceOf(MultiLock.class,
        ResourceLocks.newLock("inmemory-to-inmemory", "ns", "app", ME, options));
    assertEquals(InMemoryResourceLock.class, lock.primary().getClass());
    assertEquals(WatchableInMemoryResourceLock.class, lock.secondary().getClass(), "the secondary's own setting wins");
    Instant t = Instant.parse("2030-01-01T00:00:00Z");
    lock.create(LeaderElectionRecord.of("me", 15, t, t, 0));
    assertTrue(InMemoryLockStore.named(p).peek("ns", "app").isPresent());
    assertTrue(InMemoryLockStore.named(s).peek("ns", "app").isPresent());
    assertEquals("me", lock.identity());
  }

  @Test
  @DisplayName("A composite type reads both parts' settings, plain or prefixed by part; any other key is rejected with a suggestion")
  void compositeSettingsChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResourceLocks.newLock(
        "inmemory-to-inmemory", "ns", "app", ME, ResourceLockOptions.builder()
            .setting("secondary." + InMemoryResourceLockProvider.STORE_SETTING + "s", "x").build()));
    assertTrue(e.getMessage().contains("'secondary." + InMemoryResourceLockProvider.STORE_SETTING + "s' (did you mean 'secondary."
        + InMemoryResourceLockProvider.STORE_SETTING + "'?)"), e.getMessage());
  }

  @Test
  @DisplayName("A composite type whose secondary has no provider names the missing part and the types found")
  void missingPart() {
    LockTypeResolutionException e = assertThrows(LockTypeResolutionException.class,
        () -> ResourceLocks.newLock("inmemory-to-nosuchstore", "ns", "app", ME, ResourceLockOptions.defaults()));
    assertTrue(e.getMessage().startsWith("the secondary lock type 'nosuchstore' of composite type 'inmemory-to-nosuchstore'"),
        e.getMessage());
    assertTrue(e.getMessage().contains("inmemory"), "the types found are listed: " + e.getMessage());
  }

  @Test
  @DisplayName("A composite type whose built-in primary module is absent names the Maven artifact to add")
  void missingBuiltInPart() {
    LockTypeResolutionException e = assertThrows(LockTypeResolutionException.class,
        () -> ResourceLocks.newLock("etcd-to-inmemory", "ns", "app", ME, ResourceLockOptions.defaults()));
    assertTrue(e.getMessage().startsWith("the primary lock type 'etcd' of composite type 'etcd-to-inmemory'"), e.getMessage());
    assertTrue(e.getMessage().contains("dev.baton:baton-lock-etcd"), e.getMessage());
  }

  @Test
  @DisplayName("Asking for the provider's own type 'multi' explains the composite syntax")
  void plainMulti() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ResourceLocks.newLock("multi", "ns", "app", ME, ResourceLockOptions.defaults()));
    assertTrue(e.getMessage().contains("PRIMARY-to-SECONDARY"), e.getMessage());
  }

  @Test
  @DisplayName("Part options: prefixed settings override unprefixed ones for their part only")
  void partOptions() {
    ResourceLockOptions options = ResourceLockOptions.builder()
        .setting("etcd.endpoints", "http://common:2379")
        .setting("primary.etcd.endpoints", "http://old:2379")
        .build();
    assertEquals("http://old:2379",
        MultiLockProvider.partOptions(options, MultiLockProvider.PRIMARY_PREFIX).setting("etcd.endpoints").orElseThrow());
    assertEquals("http://common:2379",
        MultiLockProvider.partOptions(options, MultiLockProvider.SECONDARY_PREFIX).setting("etcd.endpoints").orElseThrow());
  }
}
