package dev.baton.leaderelection.resourcelock;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.apiguardian.api.API;

/**
 * A lock that forwards every call to another and lets an {@link Interceptor} stand around each
 * {@code get}, {@code create} and {@code update}: to count calls, log them, report a store that stops
 * answering, or inject faults, without writing the forwarding out once more. {@link #wrap} keeps the
 * watch capability: the result is a {@link WatchableResourceLock} exactly when the wrapped lock is,
 * so the elector treats the wrapped lock as it would the original.
 *
 * <pre>{@code
 * ResourceLock counted = ForwardingResourceLock.wrap(lock, (operation, record, call) -> {
 *   calls.increment(operation);
 *   return call.call();
 * });
 * }</pre>
 *
 * <p>{@code recordEvent}, {@code identity}, {@code describe}, {@code revision} and
 * {@code clientTimeout} are forwarded as they are. Closing a wrapper closes the wrapped lock when that is {@link AutoCloseable}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public class ForwardingResourceLock implements ResourceLock, AutoCloseable {

  /** The lock call passing through an {@link Interceptor}. */
  public enum Operation {
    /** {@link ResourceLock#get()}. */
    GET,
    /** {@link ResourceLock#create}. */
    CREATE,
    /** {@link ResourceLock#update}. */
    UPDATE
  }

  /**
   * The forwarded call itself.
   *
   * @param <T> its result: the {@link ObservedRecord} of a get, {@code null} for a write
   */
  @FunctionalInterface
  public interface Call<T> {
    /**
     * Makes the call on the wrapped lock.
     *
     * @return its result
     * @throws LockException as the wrapped lock throws it
     */
    T call() throws LockException;
  }

  /** Stands around each get, create and update; it must make the call (or throw) and return its result. */
  @FunctionalInterface
  public interface Interceptor {
    /**
     * Handles one call.
     *
     * @param operation which call
     * @param record the record written, {@code null} for a get
     * @param call the call on the wrapped lock, to make exactly once (or not at all, to fail it)
     * @return what {@code call} returned
     * @throws LockException to fail the call
     */
    Object intercept(Operation operation, LeaderElectionRecord record, Call<?> call) throws LockException;
  }

  private final ResourceLock delegate;
  private final Interceptor interceptor;

  /**
   * Wraps a lock, keeping its watch capability.
   *
   * @param delegate the lock to forward to
   * @param interceptor what stands around each get, create and update
   * @return a {@link WatchableResourceLock} when {@code delegate} is one, else a plain lock
   */
  public static ForwardingResourceLock wrap(ResourceLock delegate, Interceptor interceptor) {
    return delegate instanceof WatchableResourceLock watchable
        ? new Watchable(watchable, interceptor)
        : new ForwardingResourceLock(delegate, interceptor);
  }

  /**
   * A wrapper without the watch capability, whatever {@code delegate} has; {@link #wrap} keeps it.
   *
   * @param delegate the lock to forward to
   * @param interceptor what stands around each get, create and update
   */
  protected ForwardingResourceLock(ResourceLock delegate, Interceptor interceptor) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.interceptor = Objects.requireNonNull(interceptor, "interceptor");
  }

  /**
   * A wrapper for a subclass that stands around the calls itself by overriding {@link #intercept};
   * without the watch capability unless the subclass implements it.
   *
   * @param delegate the lock to forward to
   */
  protected ForwardingResourceLock(ResourceLock delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.interceptor = null;
  }

  /**
   * Stands around one get, create or update: the interceptor given, else the call alone.
   * Subclasses built without an interceptor override it.
   *
   * @param operation which call
   * @param record the record written, {@code null} for a get
   * @param call the call on the wrapped lock
   * @return what {@code call} returned
   * @throws LockException to fail the call
   */
  protected Object intercept(Operation operation, LeaderElectionRecord record, Call<?> call) throws LockException {
    return interceptor != null ? interceptor.intercept(operation, record, call) : call.call();
  }

  /** The wrapped lock. */
  public ResourceLock delegate() {
    return delegate;
  }

  @Override
  public ObservedRecord get() throws LockException {
    return (ObservedRecord) intercept(Operation.GET, null, delegate::get);
  }

  @Override
  public void create(LeaderElectionRecord record) throws LockException {
    intercept(Operation.CREATE, record, () -> {
      delegate.create(record);
      return null;
    });
  }

  @Override
  public void update(LeaderElectionRecord record) throws LockException {
    intercept(Operation.UPDATE, record, () -> {
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

  @Override
  public Optional<Duration> clientTimeout() {
    return delegate.clientTimeout();
  }

  /** Closes the wrapped lock when it is {@link AutoCloseable}. */
  @Override
  public void close() throws Exception {
    if (delegate instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + delegate + "}";
  }

  /** The wrapper of a lock that can watch its record: the watch is forwarded too. */
  private static final class Watchable extends ForwardingResourceLock implements WatchableResourceLock {
    private final WatchableResourceLock watchable;

    Watchable(WatchableResourceLock delegate, Interceptor interceptor) {
      super(delegate, interceptor);
      this.watchable = delegate;
    }

    @Override
    public RecordWatch watch(Consumer<ObservedRecord> listener) throws LockException {
      return watchable.watch(listener);
    }
  }
}
