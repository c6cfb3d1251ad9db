package dev.baton.faults;

import dev.baton.leaderelection.resourcelock.ForwardingResourceLock;
import dev.baton.leaderelection.resourcelock.ForwardingResourceLock.Call;
import dev.baton.leaderelection.resourcelock.ForwardingResourceLock.Operation;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Logs what the store did around the real lock's calls: each read with the holder and revision it
 * saw, each successful write with the revision it was compared against and the revision it
 * produced. The checker finds releases over another holder's record from these lines. The wrapper
 * keeps the watch capability ({@link ForwardingResourceLock#wrap}), so followers react as they would
 * unwrapped.
 */
final class LoggingResourceLock implements ForwardingResourceLock.Interceptor {
  private final ResourceLock delegate;
  private final EventWriter out;

  private LoggingResourceLock(ResourceLock delegate, EventWriter out) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.out = Objects.requireNonNull(out, "out");
  }

  /** Wraps a lock, keeping its watch capability. */
  static ForwardingResourceLock wrap(ResourceLock delegate, EventWriter out) {
    return ForwardingResourceLock.wrap(delegate, new LoggingResourceLock(delegate, out));
  }

  // The elector never overlaps calls on one lock; synchronising keeps revision() before and after a
  // call paired with that call even if it did.
  @Override
  public synchronized Object intercept(Operation operation, LeaderElectionRecord record, Call<?> call)
      throws LockException {
    OptionalLong expected = operation == Operation.UPDATE ? delegate.revision() : OptionalLong.empty();
    long start = System.nanoTime();
    String name = operation.name().toLowerCase(java.util.Locale.ROOT);
    try {
      Object result = call.call();
      if (operation == Operation.GET) {
        out.read(((ObservedRecord) result).record().holderIdentity(), delegate.revision(), start);
      } else {
        out.write(name, record, expected, delegate.revision(), start);
      }
      return result;
    } catch (LockException | RuntimeException e) {
      out.fail(name, e, start);
      throw e;
    }
  }
}
