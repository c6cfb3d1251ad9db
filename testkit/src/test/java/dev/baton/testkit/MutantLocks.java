package dev.baton.testkit;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.lock.inmemory.InMemoryResourceLock;

/**
 * Broken variants of the in-memory lock that the kit must reject. Their kit classes are not named
 * like tests, so Surefire does not run them directly; {@link MutantLocksFailTheKitTest} runs them
 * and expects failures.
 */
final class MutantLocks {
  private MutantLocks() {
  }

  /** A lock whose update ignores the version it last saw: last writer wins, no compare-and-set. */
  static final class NoCompareAndSetLock extends InMemoryResourceLock {
    private boolean seen;

    NoCompareAndSetLock(InMemoryLockStore store, String namespace, String name, ResourceLockConfig config) {
      super(store, namespace, name, config);
    }

    @Override
    public synchronized dev.baton.leaderelection.resourcelock.ObservedRecord get() throws LockException {
      var r = super.get();
      seen = true;
      return r;
    }

    @Override
    public synchronized void create(LeaderElectionRecord record) throws LockException {
      super.create(record);
      seen = true;
    }

    @Override
    public synchronized void update(LeaderElectionRecord record) {
      if (!seen) {
        throw new IllegalStateException("update before get");
      }
      store().plant(namespace(), name(), LeaderElectionRecordCodec.encode(record));
    }
  }

  /** A lock whose create overwrites an existing record instead of failing. */
  static final class OverwritingCreateLock extends InMemoryResourceLock {
    OverwritingCreateLock(InMemoryLockStore store, String namespace, String name, ResourceLockConfig config) {
      super(store, namespace, name, config);
    }

    @Override
    public synchronized void create(LeaderElectionRecord record) throws LockException {
      store().delete(namespace(), name());
      super.create(record);
    }
  }

  /** The kit on {@link NoCompareAndSetLock}. */
  static class NoCompareAndSetKit extends PollingInMemoryLockConformanceTest {
    @Override
    protected ResourceLock newLock(String namespace, String name, String identity) {
      return new NoCompareAndSetLock(store, namespace, name, ResourceLockConfig.of(identity));
    }
  }

  /** The kit on {@link OverwritingCreateLock}. */
  static class OverwritingCreateKit extends PollingInMemoryLockConformanceTest {
    @Override
    protected ResourceLock newLock(String namespace, String name, String identity) {
      return new OverwritingCreateLock(store, namespace, name, ResourceLockConfig.of(identity));
    }
  }
}
