package dev.baton.leaderelection;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real-time runtime on given executors. It does not own them: {@link #close()} does nothing
 * ({@link SystemElectionRuntime} extends it with pools it owns).
 */
class ExecutorElectionRuntime implements ElectionRuntime {

  private final ScheduledExecutorService timer;
  private final Executor lockCalls;
  private final Executor callbacks;

  ExecutorElectionRuntime(ScheduledExecutorService timer, Executor lockCalls, Executor callbacks) {
    this.timer = Objects.requireNonNull(timer, "timer");
    this.lockCalls = Objects.requireNonNull(lockCalls, "lockCalls");
    this.callbacks = Objects.requireNonNull(callbacks, "callbacks");
  }

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    ScheduledFuture<?> f = timer.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public <T> CompletableFuture<T> callLock(Callable<T> call, Duration timeout) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      lockCalls.execute(() -> {
        try {
          result.complete(call.call());
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(e);
      return result;
    }
    Cancellable timeoutTask = schedule(timeout, () -> result.completeExceptionally(
        new TimeoutException("lock call did not answer within " + timeout)));
    result.whenComplete((v, e) -> timeoutTask.cancel());
    return result;
  }

  @Override
  public Executor callbackExecutor() {
    return callbacks;
  }

  @Override
  public double random() {
    return ThreadLocalRandom.current().nextDouble();
  }

  @Override
  public String toString() {
    return "ElectionRuntime{timer=" + timer + ", lockCalls=" + lockCalls + ", callbacks=" + callbacks + "}";
  }
}
