package dev.baton.lock.multi;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.lock.inmemory.InMemoryResourceLock;
import dev.baton.lock.inmemory.InMemoryResourceLockProvider;
import dev.baton.testkit.LockCapability;
import dev.baton.testkit.ResourceLockConformanceKit;
import dev.baton.testkit.TimeDriver;
import dev.baton.testkit.VirtualElectionRuntime;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;

/** A MultiLock over two in-memory stores runs the whole kit on virtual time. */
@DisplayName("MultiLock inmemory-to-inmemory on virtual time")
class MultiLockConformanceTest extends ResourceLockConformanceKit {
  private final String run = UUID.randomUUID().toString();
  private final InMemoryLockStore primary = InMemoryLockStore.named("multi-primary-" + run);
  private final InMemoryLockStore secondary = InMemoryLockStore.named("multi-secondary-" + run);

  @Override
  protected String lockType() {
    return "inmemory-to-inmemory";
  }

  @Override
  protected ResourceLock newLock(String namespace, String name, String identity) {
    ResourceLockConfig config = ResourceLockConfig.of(identity);
    return new MultiLock(new InMemoryResourceLock(primary, namespace, name, config),
        new InMemoryResourceLock(secondary, namespace, name, config));
  }

  /** Plants the bytes in both stores, so that create finds both records taken. */
  @Override
  protected void plantRawRecord(String namespace, String name, byte[] raw) {
    primary.plant(namespace, name, raw);
    secondary.plant(namespace, name, raw);
  }

  @Override
  protected Optional<byte[]> storedRawRecord(String namespace, String name) {
    return primary.peek(namespace, name).map(InMemoryLockStore.StoredRecord::raw);
  }

  /** get() joins the two stores' bytes, as client-go's ConcatRawRecord does; plantRawRecord stores the bytes in both. */
  @Override
  protected byte[] observedRaw(byte[] stored) {
    return MultiLock.concatRawRecord(stored, stored);
  }

  @Override
  protected void deleteRecord(String namespace, String name) {
    primary.delete(namespace, name);
    secondary.delete(namespace, name);
  }

  @Override
  protected Set<LockCapability> capabilities() {
    return Set.of(LockCapability.REVISION, LockCapability.RAW_RECORD, LockCapability.DELETE_RECORD);
  }

  @Override
  protected ResourceLockOptions lockOptions() {
    return ResourceLockOptions.builder()
        .setting(InMemoryResourceLockProvider.WATCH_SETTING, "false")
        .setting(MultiLockProvider.PRIMARY_PREFIX + InMemoryResourceLockProvider.STORE_SETTING, primary.name())
        .setting(MultiLockProvider.SECONDARY_PREFIX + InMemoryResourceLockProvider.STORE_SETTING, secondary.name())
        .build();
  }

  /** client-go's MultiLock writes the primary, then the secondary: a failed update may have written the primary. */
  @Override
  protected boolean writesAreAtomic() {
    return false;
  }

  @Override
  protected TimeDriver newTimeDriver() {
    return TimeDriver.virtual(new VirtualElectionRuntime(5));
  }
}
