package dev.baton.bench;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.lock.inmemory.InMemoryResourceLock;
import dev.baton.lock.inmemory.WatchableInMemoryResourceLock;

/** The in-memory store (baton-lock-inmemory): the elector's own overhead, without a network. */
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
