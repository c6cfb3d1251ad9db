package dev.baton.cli;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Wraps the lock of {@code baton run} to tell the operator once when the store stops answering and
 * once when it answers again, instead of a warning at every retry.
 */
class ReachabilityReport implements ResourceLock {
  private final ResourceLock delegate;
  private boolean unreachable;

  /** Wraps {@code lock}, keeping its watch capability. */
  static ResourceLock wrap(ResourceLock lock) {
    return lock instanceof WatchableResourceLock w ? new Watchable(w) : new ReachabilityReport(lock);
  }

  ReachabilityReport(ResourceLock delegate) {
    this.delegate = delegate;
  }

  /** The wrapped lock (to close it). */
  ResourceLock delegate() {
    return delegate;
  }

  private interface Call<T> {
    T run() throws LockException;
  }

  private <T> T call(Call<T> call) throws LockException {
    try {
      T result = call.run();
      reached();
      return result;
    } catch (TransientLockException e) {
      synchronized (this) {
        if (!unreachable) {
          unreachable = true;
          Console.say("the lock store does not answer: " + e.getMessage() + "; retrying");
        }
      }
      throw e;
    } catch (LockException e) {
      reached();   // an answer, even a refusal, means the store is there
      throw e;
    }
  }

  private synchronized void reached() {
    if (unreachable) {
      unreachable = false;
      Console.say("the lock store answers again");
    }
  }

  @Override
  public ObservedRecord get() throws LockException {
    return call(delegate::get);
  }

  @Override
  public void create(LeaderElectionRecord record) throws LockException {
    call(() -> {
      delegate.create(record);
      return null;
    });
  }

  @Override
  public void update(LeaderElectionRecord record) throws LockException {
    call(() -> {
      delegate.update(record);
      return null;
    });
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

  /** The same, for a lock with the watch capability. */
  static final class Watchable extends ReachabilityReport implements WatchableResourceLock {
    private final WatchableResourceLock watchable;

    Watchable(WatchableResourceLock delegate) {
      super(delegate);
      this.watchable = delegate;
    }

    @Override
    public RecordWatch watch(Consumer<ObservedRecord> listener) throws LockException {
      return watchable.watch(listener);
    }
  }
}
