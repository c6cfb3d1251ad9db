package dev.baton.leaderelection;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apiguardian.api.API;

/**
 * A runtime that forwards every call to another, for wrappers that change one part of it (freeze a
 * candidate's timers, run its lock calls on a pool of their own) without writing the rest out once
 * more; the runtime counterpart of {@link dev.baton.leaderelection.resourcelock.ForwardingResourceLock}.
 *
 * <p>{@link #close()} does nothing: a wrapper does not own the runtime it wraps (usually one that
 * other electors share). A subclass that owns resources of its own overrides it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public abstract class ForwardingElectionRuntime implements ElectionRuntime {
  private final ElectionRuntime delegate;

  /**
   * @param delegate the runtime every call goes to unless a subclass overrides it
   */
  protected ForwardingElectionRuntime(ElectionRuntime delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The wrapped runtime. */
  protected final ElectionRuntime delegate() {
    return delegate;
  }

  @Override
  public Instant now() {
    return delegate.now();
  }

  @Override
  public long nanoTime() {
    return delegate.nanoTime();
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    return delegate.schedule(delay, task);
  }

  @Override
  public <T> CompletableFuture<T> callLock(Callable<T> call, Duration timeout) {
    return callLock(call, timeout, LockCallPriority.FOLLOWER);
  }

  /**
   * Forwards the call with its priority. Both {@code callLock} methods end here, so a wrapper that
   * changes lock calls overrides this one only.
   */
  @Override
  public <T> CompletableFuture<T> callLock(Callable<T> call, Duration timeout, LockCallPriority priority) {
    return delegate.callLock(call, timeout, priority);
  }

  @Override
  public Executor callbackExecutor() {
    return delegate.callbackExecutor();
  }

  @Override
  public double random() {
    return delegate.random();
  }
}
