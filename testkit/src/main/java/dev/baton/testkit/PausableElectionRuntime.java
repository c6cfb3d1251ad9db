package dev.baton.testkit;

import dev.baton.leaderelection.ElectionRuntime;
import dev.baton.leaderelection.ForwardingElectionRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apiguardian.api.API;

/**
 * One candidate's runtime, frozen on demand the way SIGSTOP, a long garbage-collection pause or a VM
 * migration freezes a process: while paused nothing of the candidate runs (no timer, no lock call,
 * no callback, no answer of a lock call), but its monotonic clock goes on. {@link #resume()} then runs
 * everything that fell due, in the order it fell due, as a woken JVM does.
 *
 * <p>{@link #pauseAtNextLockCall()} freezes the candidate at the moment it hands its next lock call
 * to a thread: the call itself runs only after the resume, against the store as it is then. That is
 * the dangerous shape of a pause: a call in flight across it, whose read lands after another
 * candidate took over.
 *
 * <p>Only work that goes through this runtime is frozen: schedule a leader's ticks with
 * {@link #schedule} (as the kit does); a thread of the leader's own keeps running.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class PausableElectionRuntime extends ForwardingElectionRuntime {
  private final Object monitor = new Object();
  private final List<Runnable> held = new ArrayList<>();
  private boolean paused;
  private boolean pauseAtNextLockCall;
  private int pauses;

  /**
   * Wraps a runtime (usually the one every candidate of a test shares).
   *
   * @param delegate the runtime that keeps running
   */
  public PausableElectionRuntime(ElectionRuntime delegate) {
    super(delegate);
  }

  /** Freezes the candidate now. */
  public void pause() {
    synchronized (monitor) {
      if (!paused) {
        paused = true;
        pauses++;
      }
    }
  }

  /** Freezes the candidate when it next starts a lock call; the call runs after {@link #resume()}. */
  public void pauseAtNextLockCall() {
    synchronized (monitor) {
      pauseAtNextLockCall = true;
    }
  }

  /**
   * Whether the candidate is frozen now.
   *
   * @return {@code true} between a pause and its resume
   */
  public boolean isPaused() {
    synchronized (monitor) {
      return paused;
    }
  }

  /**
   * How many times the candidate was frozen so far (a pause armed with {@link #pauseAtNextLockCall()}
   * counts once it happened).
   *
   * @return the count
   */
  public int pauses() {
    synchronized (monitor) {
      return pauses;
    }
  }

  /**
   * Wakes the candidate: everything held runs, in the order it fell due, on the wrapped runtime's
   * threads (it is submitted with no delay; nothing runs on the calling thread).
   */
  public void resume() {
    List<Runnable> due;
    synchronized (monitor) {
      paused = false;
      due = new ArrayList<>(held);
      held.clear();
    }
    for (Runnable task : due) {
      delegate().schedule(Duration.ZERO, task);
    }
  }

  private void runOrHold(Runnable task) {
    synchronized (monitor) {
      if (paused) {
        held.add(task);
        return;
      }
    }
    task.run();
  }



  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    return delegate().schedule(delay, () -> runOrHold(task));
  }

  @Override
  public <T> CompletableFuture<T> callLock(Callable<T> call, Duration timeout,
      ElectionRuntime.LockCallPriority priority) {
    synchronized (monitor) {
      if (pauseAtNextLockCall) {
        pauseAtNextLockCall = false;
        if (!paused) {
          paused = true;
          pauses++;
        }
      }
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    runOrHold(() -> delegate().callLock(call, timeout, priority).whenComplete((value, error) -> runOrHold(() -> {
      if (error != null) {
        result.completeExceptionally(error);
      } else {
        result.complete(value);
      }
    })));
    return result;
  }

  @Override
  public Executor callbackExecutor() {
    Executor callbacks = delegate().callbackExecutor();
    return task -> runOrHold(() -> callbacks.execute(task));
  }


  @Override
  public String toString() {
    return "PausableElectionRuntime{" + (isPaused() ? "paused" : "running") + ", pauses=" + pauses() + ", " + delegate() + "}";
  }
}
