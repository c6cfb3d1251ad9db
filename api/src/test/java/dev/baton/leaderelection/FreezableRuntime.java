package dev.baton.leaderelection;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * One candidate's view of a shared runtime, which a test can stop three ways while the clocks go on:
 * <ul>
 *   <li>{@link #frozen}: timers that fall due are dropped, as if the elector's threads were
 *       deadlocked;</li>
 *   <li>{@link #holdNextCallback}: the next onStartedLeading is held, as if the leader's work never
 *       returned;</li>
 *   <li>{@link #pause()} (or {@link #pauseAtNextLockCall()}): nothing of the candidate runs (no timer,
 *       lock call, answer or callback) until {@link #resume()} runs all of it in the order it fell
 *       due, as SIGSTOP, a long garbage-collection pause or a VM migration does.</li>
 * </ul>
 */
final class FreezableRuntime implements ElectionRuntime {
  private final ElectionRuntime delegate;
  volatile boolean frozen;
  volatile boolean holdNextCallback;
  final List<Runnable> heldCallbacks = new CopyOnWriteArrayList<>();
  /** What fell due while paused; null while running. */
  private List<Runnable> parked;
  private boolean pauseAtNextLockCall;

  FreezableRuntime(ElectionRuntime delegate) {
    this.delegate = delegate;
  }

  synchronized void pause() {
    if (parked == null) {
      parked = new ArrayList<>();
    }
  }

  /** Pauses the moment the candidate hands its next lock call over: the call runs after the resume. */
  synchronized void pauseAtNextLockCall() {
    pauseAtNextLockCall = true;
  }

  synchronized boolean isPaused() {
    return parked != null;
  }

  /** Runs what fell due while paused, in order, as tasks of the shared runtime. */
  void resume() {
    List<Runnable> due;
    synchronized (this) {
      due = parked == null ? List.of() : parked;
      parked = null;
    }
    due.forEach(task -> delegate.schedule(Duration.ZERO, task));
  }

  /** Runs {@code task} now, or keeps it for the resume while paused. */
  private void whenRunning(Runnable task) {
    synchronized (this) {
      if (parked != null) {
        parked.add(task);
        return;
      }
    }
    task.run();
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
        whenRunning(task);
      }
    });
  }

  @Override
  public <T> CompletableFuture<T> callLock(Callable<T> call, Duration timeout) {
    synchronized (this) {
      if (pauseAtNextLockCall) {
        pauseAtNextLockCall = false;
        pause();
      }
    }
    // The call starts only while running, and its answer is taken in only while running.
    CompletableFuture<T> answer = new CompletableFuture<>();
    whenRunning(() -> delegate.callLock(call, timeout)
        .whenComplete((value, error) -> whenRunning(() -> settle(answer, value, error))));
    return answer;
  }

  private static <T> void settle(CompletableFuture<T> answer, T value, Throwable error) {
    if (error == null) {
      answer.complete(value);
    } else {
      answer.completeExceptionally(error);
    }
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
        whenRunning(() -> callbacks.execute(task));
      }
    };
  }

  @Override
  public double random() {
    return delegate.random();
  }
}
