package dev.baton.leaderelection;

import java.time.Duration;
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
 *   <li>{@link #holdNextAnswer()}: the next lock call runs and returns (the lock is free again), but
 *       its answer reaches the elector only at {@link #releaseAnswer()}, as when the lock-call thread
 *       is descheduled between the lock's return and the hand-over of the result.</li>
 * </ul>
 */
final class FreezableRuntime extends ForwardingElectionRuntime {
  volatile boolean frozen;
  volatile boolean holdNextCallback;
  final List<Runnable> heldCallbacks = new CopyOnWriteArrayList<>();
  /** What fell due while paused; null while running. */
  private List<Runnable> parked;
  private boolean pauseAtNextLockCall;
  private boolean holdNextAnswer;
  /** Hands the held answer over; null while none is held. */
  private Runnable heldAnswer;

  FreezableRuntime(ElectionRuntime delegate) {
    super(delegate);
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

  /** Holds the answer of the next lock call (the call itself runs) until {@link #releaseAnswer()}. */
  synchronized void holdNextAnswer() {
    holdNextAnswer = true;
  }

  /** Whether a lock call returned and its answer is held. */
  synchronized boolean holdsAnswer() {
    return heldAnswer != null;
  }

  /** Hands the held answer over, as a task of the shared runtime. */
  void releaseAnswer() {
    Runnable answer;
    synchronized (this) {
      answer = heldAnswer;
      heldAnswer = null;
    }
    if (answer != null) {
      delegate().schedule(Duration.ZERO, answer);
    }
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
    due.forEach(task -> delegate().schedule(Duration.ZERO, task));
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
  public Cancellable schedule(Duration delay, Runnable task) {
    return delegate().schedule(delay, () -> {
      if (!frozen) {
        whenRunning(task);
      }
    });
  }

  @Override
  public <T> CompletableFuture<T> callLock(Callable<T> call, Duration timeout, LockCallPriority priority) {
    boolean hold;
    synchronized (this) {
      if (pauseAtNextLockCall) {
        pauseAtNextLockCall = false;
        pause();
      }
      hold = holdNextAnswer;
      holdNextAnswer = false;
    }
    // The call starts only while running, and its answer is taken in only while running.
    CompletableFuture<T> answer = new CompletableFuture<>();
    whenRunning(() -> delegate().callLock(call, timeout, priority).whenComplete((value, error) -> {
      Runnable handOver = () -> whenRunning(() -> settle(answer, value, error));
      if (hold) {
        synchronized (this) {
          heldAnswer = handOver;
        }
      } else {
        handOver.run();
      }
    }));
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
    Executor callbacks = delegate().callbackExecutor();
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

}
