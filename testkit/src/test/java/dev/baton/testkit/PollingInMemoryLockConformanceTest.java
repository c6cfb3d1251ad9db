package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.lock.inmemory.InMemoryResourceLockProvider;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The reference lock without the watch capability ({@code inmemory.watch=false} through its
 * provider): the elector polls as client-go does.
 */
@DisplayName("In-memory lock (polling) on virtual time")
class PollingInMemoryLockConformanceTest extends InMemoryLockConformanceTest {

  @Override
  protected Set<LockCapability> capabilities() {
    return Set.of(LockCapability.REVISION, LockCapability.RAW_RECORD, LockCapability.DELETE_RECORD);
  }

  @Override
  protected ResourceLockOptions lockOptions() {
    return ResourceLockOptions.builder().client(InMemoryLockStore.class, store)
        .setting(InMemoryResourceLockProvider.WATCH_SETTING, "false").build();
  }

  @Test
  @DisplayName("The locks under test poll: none of them offers a watch")
  void locksPoll() {
    assertFalse(lock(uniqueName(), "a") instanceof WatchableResourceLock, "inmemory.watch=false gave a watchable lock");
  }
}
