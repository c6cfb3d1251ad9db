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
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real-time runtime on given executors. It does not own them: {@link #close()} does nothing
 * ({@link SystemElectionRuntime} extends it with pools it owns).
 */
class ExecutorElectionRuntime implements ElectionRuntime {

  /** Arrival order of lock calls, across runtimes (only the order within one pool matters). */
  private static final AtomicLong QUEUED = new AtomicLong();

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
    return callLock(call, timeout, LockCallPriority.FOLLOWER);
  }

  @Override
  public <T> CompletableFuture<T> callLock(Callable<T> call, Duration timeout, LockCallPriority priority) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      lockCalls.execute(new QueuedCall(priority, QUEUED.getAndIncrement(), () -> {
        try {
          result.complete(call.call());
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      }));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(e);
      return result;
    }
    Cancellable timeoutTask = schedule(timeout, () -> result.completeExceptionally(
        new TimeoutException("lock call did not answer within " + timeout)));
    result.whenComplete((v, e) -> timeoutTask.cancel());
    return result;
  }

  /**
   * A lock call as its pool's queue holds it: ordered by priority, then by arrival, for a pool on a
   * {@link java.util.concurrent.PriorityBlockingQueue} (Baton's own); any other executor just runs it.
   */
  static final class QueuedCall implements Runnable, Comparable<QueuedCall> {
    private final LockCallPriority priority;
    private final long order;
    private final Runnable body;

    QueuedCall(LockCallPriority priority, long order, Runnable body) {
      this.priority = Objects.requireNonNull(priority, "priority");
      this.order = order;
      this.body = body;
    }

    @Override
    public void run() {
      body.run();
    }

    LockCallPriority priority() {
      return priority;
    }

    /** The same place in the queue for another body. */
    QueuedCall withBody(Runnable other) {
      return new QueuedCall(priority, order, other);
    }

    @Override
    public int compareTo(QueuedCall other) {
      int byPriority = priority.compareTo(other.priority);
      return byPriority != 0 ? byPriority : Long.compare(order, other.order);
    }
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
