package dev.baton.testkit;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.lock.inmemory.InMemoryResourceLock;
import dev.baton.lock.inmemory.InMemoryResourceLockProvider;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;

/** The reference lock without the watch capability: the elector polls as client-go does. */
@DisplayName("In-memory lock (polling) on virtual time")
class PollingInMemoryLockConformanceTest extends InMemoryLockConformanceTest {

  @Override
  protected ResourceLock newLock(String namespace, String name, String identity) {
    return new InMemoryResourceLock(store, namespace, name, ResourceLockConfig.of(identity));
  }

  @Override
  protected Set<LockCapability> capabilities() {
    return Set.of(LockCapability.REVISION, LockCapability.RAW_RECORD, LockCapability.DELETE_RECORD);
  }

  @Override
  protected ResourceLockOptions lockOptions() {
    return ResourceLockOptions.builder().client(InMemoryLockStore.class, store)
        .setting(InMemoryResourceLockProvider.WATCH_SETTING, "false").build();
  }
}
