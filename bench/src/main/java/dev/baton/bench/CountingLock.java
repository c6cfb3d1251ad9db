package dev.baton.bench;

import dev.baton.leaderelection.resourcelock.ForwardingResourceLock;
import dev.baton.leaderelection.resourcelock.ForwardingResourceLock.Call;
import dev.baton.leaderelection.resourcelock.ForwardingResourceLock.Operation;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts one candidate's requests (each lock call is one request to the store) and remembers when
 * its last write succeeded, standing around the calls of the lock it wraps ({@link #lock}, which
 * keeps the watch capability).
 */
final class CountingLock implements ForwardingResourceLock.Interceptor {
  /** The wrapped lock, to hand to the elector. */
  final ResourceLock lock;
  final AtomicLong reads = new AtomicLong();
  final AtomicLong writes = new AtomicLong();
  final AtomicLong lastSuccessfulWriteNanos = new AtomicLong();
  final AtomicLong longestWriteGapNanos = new AtomicLong();

  private CountingLock(ResourceLock delegate) {
    this.lock = ForwardingResourceLock.wrap(delegate, this);
  }

  static CountingLock wrap(ResourceLock delegate) {
    return new CountingLock(delegate);
  }

  /** Sets the counters to zero (the write-gap clock restarts too). */
  void reset() {
    reads.set(0);
    writes.set(0);
    longestWriteGapNanos.set(0);
    lastSuccessfulWriteNanos.set(0);
  }

  @Override
  public Object intercept(Operation operation, LeaderElectionRecord record, Call<?> call) throws LockException {
    if (operation == Operation.GET) {
      reads.incrementAndGet();
      return call.call();
    }
    writes.incrementAndGet();
    Object result = call.call();
    long now = System.nanoTime();
    long previous = lastSuccessfulWriteNanos.getAndSet(now);
    if (previous != 0) {
      longestWriteGapNanos.accumulateAndGet(now - previous, Math::max);
    }
    return result;
  }
}
