/**
 * Baton's reference lock in memory (lock type {@code inmemory}): the store, the polling and the
 * watchable lock, and their provider. It depends on {@code dev.baton.api} only.
 */
module dev.baton.lock.inmemory {
  requires transitive dev.baton.api;
  requires static com.google.auto.service;

  exports dev.baton.lock.inmemory;

  provides dev.baton.leaderelection.resourcelock.ResourceLockProvider
      with dev.baton.lock.inmemory.InMemoryResourceLockProvider;
}
