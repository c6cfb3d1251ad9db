package dev.baton.leaderelection;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** A runtime whose timers stop firing while frozen, as if the elector's threads were deadlocked. */
final class FreezableRuntime implements ElectionRuntime {
  private final ElectionRuntime delegate;
  volatile boolean frozen;

  FreezableRuntime(ElectionRuntime delegate) {
    this.delegate = delegate;
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
    return delegate.schedule(delay, () -> {
      if (!frozen) {
        task.run();
      }
    });
  }

  @Override
  public <T> CompletableFuture<T> callLock(Callable<T> call, Duration timeout) {
    return delegate.callLock(call, timeout);
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
