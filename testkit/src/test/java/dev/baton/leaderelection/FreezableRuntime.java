package dev.baton.leaderelection;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * A runtime whose timers stop firing while frozen, as if the elector's threads were deadlocked, and
 * which can hold the next onStartedLeading as if the leader's work never returned.
 */
final class FreezableRuntime implements ElectionRuntime {
  private final ElectionRuntime delegate;
  volatile boolean frozen;
  volatile boolean holdNextCallback;
  final List<Runnable> heldCallbacks = new CopyOnWriteArrayList<>();

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
    Executor callbacks = delegate.callbackExecutor();
    return task -> {
      // The elector runs onStartedLeading and onStoppedLeading with CompletableFuture.runAsync;
      // notifications (onNewLeader) go through a serial executor and are never held.
      if (holdNextCallback && task instanceof CompletableFuture.AsynchronousCompletionTask) {
        holdNextCallback = false;
        heldCallbacks.add(task);
      } else {
        callbacks.execute(task);
      }
    };
  }

  @Override
  public double random() {
    return delegate.random();
  }
}
