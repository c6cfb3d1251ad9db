package dev.baton.faults;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * A lock that forwards every call to the real one and logs what the store did: each read with the
 * holder and revision it saw, each successful write with the revision it was compared against and
 * the revision it produced. The checker finds releases over another holder's record from these
 * lines. A watchable lock stays watchable ({@link #wrap}), so followers react as they would unwrapped.
 */
class LoggingResourceLock implements ResourceLock, AutoCloseable {
  private final ResourceLock delegate;
  private final EventWriter out;

  LoggingResourceLock(ResourceLock delegate, EventWriter out) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.out = Objects.requireNonNull(out, "out");
  }

  /** Wraps a lock, keeping its watch capability. */
  static LoggingResourceLock wrap(ResourceLock delegate, EventWriter out) {
    return delegate instanceof WatchableResourceLock watchable
        ? new Watchable(watchable, out)
        : new LoggingResourceLock(delegate, out);
  }

  // The elector never overlaps calls on one lock; synchronising keeps revision() before and after a
  // call paired with that call even if it did.
  @Override
  public synchronized ObservedRecord get() throws LockException {
    long start = System.nanoTime();
    try {
      ObservedRecord observed = delegate.get();
      out.read(observed.record().holderIdentity(), delegate.revision(), start);
      return observed;
    } catch (LockException | RuntimeException e) {
      out.fail("get", e, start);
      throw e;
    }
  }

  @Override
  public synchronized void create(LeaderElectionRecord record) throws LockException {
    long start = System.nanoTime();
    try {
      delegate.create(record);
      out.write("create", record, OptionalLong.empty(), delegate.revision(), start);
    } catch (LockException | RuntimeException e) {
      out.fail("create", e, start);
      throw e;
    }
  }

  @Override
  public synchronized void update(LeaderElectionRecord record) throws LockException {
    OptionalLong expected = delegate.revision();
    long start = System.nanoTime();
    try {
      delegate.update(record);
      out.write("update", record, expected, delegate.revision(), start);
    } catch (LockException | RuntimeException e) {
      out.fail("update", e, start);
      throw e;
    }
  }

  @Override
  public void recordEvent(String message) {
    delegate.recordEvent(message);
  }

  @Override
  public String identity() {
    return delegate.identity();
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  @Override
  public synchronized OptionalLong revision() {
    return delegate.revision();
  }

  @Override
  public void close() {
    if (delegate instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing " + describe() + " failed", e);
      }
    }
  }

  /** The same, for a lock that can watch its record. */
  private static final class Watchable extends LoggingResourceLock implements WatchableResourceLock {
    private final WatchableResourceLock watchable;

    Watchable(WatchableResourceLock delegate, EventWriter out) {
      super(delegate, out);
      this.watchable = delegate;
    }

    @Override
    public RecordWatch watch(Consumer<ObservedRecord> listener) throws LockException {
      return watchable.watch(listener);
    }
  }
}
