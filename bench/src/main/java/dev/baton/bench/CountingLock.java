package dev.baton.bench;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Counts one candidate's requests (each lock call is one request to the store) and remembers when
 * its last write succeeded. Keeps the watch capability of the lock it wraps.
 */
class CountingLock implements ResourceLock {
  final ResourceLock delegate;
  final AtomicLong reads = new AtomicLong();
  final AtomicLong writes = new AtomicLong();
  final AtomicLong lastSuccessfulWriteNanos = new AtomicLong();
  final AtomicLong longestWriteGapNanos = new AtomicLong();

  CountingLock(ResourceLock delegate) {
    this.delegate = delegate;
  }

  static CountingLock wrap(ResourceLock delegate) {
    return delegate instanceof WatchableResourceLock w ? new Watchable(w) : new CountingLock(delegate);
  }

  /** Sets the counters to zero (the write-gap clock restarts too). */
  void reset() {
    reads.set(0);
    writes.set(0);
    longestWriteGapNanos.set(0);
    lastSuccessfulWriteNanos.set(0);
  }

  private void wrote() {
    long now = System.nanoTime();
    long previous = lastSuccessfulWriteNanos.getAndSet(now);
    if (previous != 0) {
      longestWriteGapNanos.accumulateAndGet(now - previous, Math::max);
    }
  }

  @Override
  public ObservedRecord get() throws LockException {
    reads.incrementAndGet();
    return delegate.get();
  }

  @Override
  public void create(LeaderElectionRecord record) throws LockException {
    writes.incrementAndGet();
    delegate.create(record);
    wrote();
  }

  @Override
  public void update(LeaderElectionRecord record) throws LockException {
    writes.incrementAndGet();
    delegate.update(record);
    wrote();
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
  public OptionalLong revision() {
    return delegate.revision();
  }

  private static final class Watchable extends CountingLock implements WatchableResourceLock {
    Watchable(WatchableResourceLock delegate) {
      super(delegate);
    }

    @Override
    public RecordWatch watch(Consumer<ObservedRecord> listener) throws LockException {
      return ((WatchableResourceLock) delegate).watch(listener);
    }
  }
}
