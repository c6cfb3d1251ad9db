package dev.baton.testkit;

import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import dev.baton.lock.inmemory.InMemoryLockStore;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;

/**
 * The reference lock with the watch capability runs the whole kit on virtual time; its locks come
 * from its provider (the kit's default {@code newLock}) on this class's store.
 */
@DisplayName("In-memory lock (watchable) on virtual time")
class InMemoryLockConformanceTest extends ResourceLockConformanceKit {
  final InMemoryLockStore store = new InMemoryLockStore();

  @Override
  protected String lockType() {
    return ResourceLocks.INMEMORY;
  }

  @Override
  protected void plantRawRecord(String namespace, String name, byte[] raw) {
    store.plant(namespace, name, raw);
  }

  @Override
  protected Optional<byte[]> storedRawRecord(String namespace, String name) {
    return store.peek(namespace, name).map(InMemoryLockStore.StoredRecord::raw);
  }

  @Override
  protected void deleteRecord(String namespace, String name) {
    store.delete(namespace, name);
  }

  @Override
  protected Set<LockCapability> capabilities() {
    return Set.of(LockCapability.WATCH, LockCapability.REVISION, LockCapability.RAW_RECORD, LockCapability.DELETE_RECORD);
  }

  @Override
  protected ResourceLockOptions lockOptions() {
    return ResourceLockOptions.builder().client(InMemoryLockStore.class, store).build();
  }

  @Override
  protected TimeDriver newTimeDriver() {
    return TimeDriver.virtual(new VirtualElectionRuntime(11));
  }
}
