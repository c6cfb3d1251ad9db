package dev.baton.lock.inmemory;

import dev.baton.leaderelection.LeaderCallbacks;
import dev.baton.leaderelection.LeaderElectionConfig;
import dev.baton.leaderelection.LeaderElector;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import java.util.List;

/** The code of lock-inmemory/README.md, which shows the regions tagged here; {@link ReadmeExamplesTest} runs them. */
final class ReadmeExamples {
  private ReadmeExamples() {
  }

  /** Two started candidates, {@code a} and {@code b}, in that order. */
  static List<LeaderElector> candidatesOnOneStore(LeaderCallbacks myCallbacks, LeaderCallbacks otherCallbacks) {
    // tag::candidates[]
    InMemoryLockStore store = new InMemoryLockStore();
    LeaderElector a = new LeaderElector(LeaderElectionConfig.builder()
        .lock(new WatchableInMemoryResourceLock(store, "default", "my-app", ResourceLockConfig.of("a")))
        .callbacks(myCallbacks)
        .build());
    LeaderElector b = new LeaderElector(LeaderElectionConfig.builder()
        .lock(new WatchableInMemoryResourceLock(store, "default", "my-app", ResourceLockConfig.of("b")))
        .callbacks(otherCallbacks)
        .build());
    a.start();
    b.start();
    // end::candidates[]
    return List.of(a, b);
  }

  static ResourceLock throughTheFactory(InMemoryLockStore store) throws LockException {
    // tag::factory[]
    ResourceLock lock = ResourceLocks.newLock("inmemory", "default", "my-app", ResourceLockConfig.of("a"),
        ResourceLockOptions.builder().client(InMemoryLockStore.class, store).build());
    // end::factory[]
    return lock;
  }
}
