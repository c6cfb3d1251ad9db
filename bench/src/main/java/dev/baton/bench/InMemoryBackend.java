package dev.baton.bench;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.testkit.InMemoryLockStore;
import dev.baton.testkit.InMemoryResourceLock;
import dev.baton.testkit.WatchableInMemoryResourceLock;

/** The testkit's in-memory store: the elector's own overhead, without a network. */
final class InMemoryBackend implements Backend {
  private final InMemoryLockStore store = new InMemoryLockStore();
  private final boolean watch;

  InMemoryBackend(boolean watch) {
    this.watch = watch;
  }

  @Override
  public String name() {
    return watch ? "inmemory" : "inmemory-polling";
  }

  @Override
  public ResourceLock newLock(String lockName, String identity) {
    ResourceLockConfig config = ResourceLockConfig.of(identity);
    return watch
        ? new WatchableInMemoryResourceLock(store, "bench", lockName, config)
        : new InMemoryResourceLock(store, "bench", lockName, config);
  }

  @Override
  public boolean watches() {
    return watch;
  }

  @Override
  public void close() {
  }
}
