package dev.baton.testkit;

import dev.baton.leaderelection.resourcelock.ForwardingResourceLock;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apiguardian.api.API;

/**
 * Wraps one candidate's lock and breaks its connection on demand, to show what the elector does
 * when its store fails or stops answering while the other candidates still reach it.
 *
 * <ul>
 *   <li>{@link Mode#PASS}: calls go through.</li>
 *   <li>{@link Mode#FAIL}: calls fail at once with {@link TransientLockException}; nothing reaches
 *       the store.</li>
 *   <li>{@link Mode#HANG}: calls never answer and nothing reaches the store. On a
 *       {@link VirtualElectionRuntime} the call times out at its deadline in virtual time; on real
 *       time the calling thread blocks until the mode changes or {@link #hangLimit} passes, then
 *       fails with {@link TransientLockException}.</li>
 * </ul>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public class FaultInjectingResourceLock extends ForwardingResourceLock {

  /** How the wrapped connection behaves. */
  public enum Mode {
    /** Calls go through. */
    PASS,
    /** Calls fail at once. */
    FAIL,
    /** Calls never answer. */
    HANG
  }

  private final Duration hangLimit;
  private final Object modeChanged = new Object();
  private volatile Mode mode = Mode.PASS;
  private final AtomicLong gets = new AtomicLong();
  private final AtomicLong creates = new AtomicLong();
  private final AtomicLong updates = new AtomicLong();

  /**
   * Wraps a lock; the result is a {@link WatchableResourceLock} exactly when {@code delegate} is.
   *
   * @param delegate the lock to wrap
   * @return the wrapper, in {@link Mode#PASS}
   */
  public static FaultInjectingResourceLock wrap(ResourceLock delegate) {
    return delegate instanceof WatchableResourceLock w ? new Watchable(w) : new FaultInjectingResourceLock(delegate);
  }

  /**
   * Wraps a lock without its watch capability; use {@link #wrap} to keep it.
   *
   * @param delegate the lock to wrap
   */
  protected FaultInjectingResourceLock(ResourceLock delegate) {
    super(delegate);
    this.hangLimit = Duration.ofSeconds(60);
  }

  /**
   * Changes the behaviour of every call from now on; releases calls blocked in {@link Mode#HANG}.
   *
   * @param newMode the new behaviour
   */
  public void setMode(Mode newMode) {
    synchronized (modeChanged) {
      mode = newMode;
      modeChanged.notifyAll();
    }
  }

  /** The current behaviour. */
  public Mode mode() {
    return mode;
  }

  /** How many times {@link #get()} was called (failed and hung calls included). */
  public long getCount() {
    return gets.get();
  }

  /** How many times {@link #create} was called (failed and hung calls included). */
  public long createCount() {
    return creates.get();
  }

  /** How many times {@link #update} was called (failed and hung calls included). */
  public long updateCount() {
    return updates.get();
  }

  /** How long a real-time call blocks in {@link Mode#HANG} at most. */
  public Duration hangLimit() {
    return hangLimit;
  }

  /** Applies the current mode before a call; returns normally only in {@link Mode#PASS}. */
  protected void beforeCall(String call) throws LockException {
    Mode m = mode;
    if (m == Mode.PASS) {
      return;
    }
    if (m == Mode.FAIL) {
      throw new TransientLockException(describe(), "injected failure of " + call + " on " + describe(), null);
    }
    if (VirtualElectionRuntime.inVirtualLockCall()) {
      throw new VirtualElectionRuntime.SimulatedHang();
    }
    long deadline = System.nanoTime() + hangLimit.toNanos();
    synchronized (modeChanged) {
      while (mode == Mode.HANG) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(modeChanged, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    throw new TransientLockException(describe(), "injected hang of " + call + " on " + describe(), null);
  }

  @Override
  protected Object intercept(Operation operation, LeaderElectionRecord record, Call<?> call) throws LockException {
    switch (operation) {
      case GET -> gets.incrementAndGet();
      case CREATE -> creates.incrementAndGet();
      case UPDATE -> updates.incrementAndGet();
      default -> throw new IllegalArgumentException("unknown lock call " + operation);
    }
    beforeCall(operation.name().toLowerCase(java.util.Locale.ROOT));
    return call.call();
  }

  @Override
  public void recordEvent(String message) {
    if (mode == Mode.PASS) {
      super.recordEvent(message);
    }
  }

  @Override
  public String toString() {
    return "FaultInjectingResourceLock{" + delegate().describe() + ", " + mode + "}";
  }

  /** The wrapper of a watchable lock; notifications are dropped while the mode is not PASS. */
  private static final class Watchable extends FaultInjectingResourceLock implements WatchableResourceLock {
    private final WatchableResourceLock watchable;

    Watchable(WatchableResourceLock delegate) {
      super(delegate);
      this.watchable = delegate;
    }

    @Override
    public RecordWatch watch(Consumer<ObservedRecord> listener) throws LockException {
      beforeCall("watch");
      return watchable.watch(r -> {
        if (mode() == Mode.PASS) {
          listener.accept(r);
        }
      });
    }
  }
}
