package dev.baton.leaderelection;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The elector's surroundings on virtual time, for the elector's own tests: the clocks stand still
 * until the test moves them, and then every due timer runs on the test's thread in the order it fell
 * due. Lock calls run at once; their answers arrive as timers at the same instant, or, for a call that
 * throws {@link NoAnswer}, as a timeout at the caller's deadline. Callbacks run where they are handed
 * over. One test thread drives it.
 */
final class VirtualTime implements ElectionRuntime {
  /** The wall-clock time at virtual time zero. */
  static final Instant EPOCH = Instant.parse("2030-01-01T00:00:00Z");

  /** Thrown inside a lock call that never answers. */
  static final class NoAnswer extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoAnswer() {
      super("the store does not answer", null, false, false);
    }
  }

  private static final class Timer {
    final long dueNanos;
    final long order;
    final Runnable task;
    boolean cancelled;

    Timer(long dueNanos, long order, Runnable task) {
      this.dueNanos = dueNanos;
      this.order = order;
      this.task = task;
    }
  }

  private final PriorityQueue<Timer> timers =
      new PriorityQueue<>(Comparator.<Timer>comparingLong(t -> t.dueNanos).thenComparingLong(t -> t.order));
  private final SplittableRandom jitter;
  private long nowNanos;
  private long timersMade;
  private Duration wallClockOffset = Duration.ZERO;

  VirtualTime(long seed) {
    this.jitter = new SplittableRandom(seed);
  }

  @Override
  public Instant now() {
    return EPOCH.plusNanos(nowNanos).plus(wallClockOffset);
  }

  @Override
  public long nanoTime() {
    return nowNanos;
  }

  /** Virtual time since the start. */
  Duration elapsed() {
    return Duration.ofNanos(nowNanos);
  }

  /** Steps the wall clock only, as a badly set clock or an NTP step would. */
  void skewWallClock(Duration by) {
    wallClockOffset = wallClockOffset.plus(by);
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    Timer t = new Timer(nowNanos + Math.max(0, delay.toNanos()), timersMade++, task);
    timers.add(t);
    return () -> t.cancelled = true;
  }

  @Override
  public <T> CompletableFuture<T> callLock(Callable<T> call, Duration timeout) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    try {
      T value = call.call();
      schedule(Duration.ZERO, () -> answer.complete(value));
    } catch (NoAnswer silence) {
      schedule(timeout, () -> answer.completeExceptionally(
          new TimeoutException("no answer from the lock within " + timeout + " (virtual time)")));
    } catch (Exception e) {
      schedule(Duration.ZERO, () -> answer.completeExceptionally(e));
    }
    return answer;
  }

  @Override
  public Executor callbackExecutor() {
    return Runnable::run;
  }

  @Override
  public double random() {
    return jitter.nextDouble();
  }

  /** Lets {@code duration} pass, running every timer due within it. */
  void advance(Duration duration) {
    long end = nowNanos + duration.toNanos();
    runTimersUntil(end, () -> false);
    nowNanos = Math.max(nowNanos, end);
  }

  /**
   * Lets time pass until {@code condition} holds (checked now and after every timer) or {@code limit}
   * passed.
   *
   * @return whether the condition held in time
   */
  boolean advanceUntil(BooleanSupplier condition, Duration limit) {
    if (condition.getAsBoolean()) {
      return true;
    }
    long end = nowNanos + limit.toNanos();
    if (runTimersUntil(end, condition)) {
      return true;
    }
    nowNanos = Math.max(nowNanos, end);
    return false;
  }

  private boolean runTimersUntil(long endNanos, BooleanSupplier condition) {
    int ranAtThisInstant = 0;
    for (Timer next = timers.peek(); next != null && next.dueNanos <= endNanos; next = timers.peek()) {
      timers.remove();
      if (next.cancelled) {
        continue;
      }
      ranAtThisInstant = next.dueNanos == nowNanos ? ranAtThisInstant + 1 : 0;
      if (ranAtThisInstant > 100_000) {
        throw new IllegalStateException("a task keeps rescheduling itself without delay at " + elapsed());
      }
      nowNanos = Math.max(nowNanos, next.dueNanos);
      next.task.run();
      if (condition.getAsBoolean()) {
        return true;
      }
    }
    return false;
  }
}
