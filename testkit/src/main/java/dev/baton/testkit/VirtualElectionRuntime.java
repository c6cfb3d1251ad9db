package dev.baton.testkit;

import dev.baton.leaderelection.ElectionRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apiguardian.api.API;

/**
 * An {@link ElectionRuntime} on virtual time: nothing happens until the test calls
 * {@link #advance(Duration)} or {@link #advanceUntil}, and then every timer fires in time order,
 * on the calling thread. A 15-second failover runs in milliseconds, and the same seed gives the
 * same run every time.
 *
 * <p>Lock calls run at once, on the calling thread; their answers arrive after
 * {@link #lockCallLatency(Duration)} of virtual time (zero by default). A call that throws
 * {@link SimulatedHang} (as {@link FaultInjectingResourceLock} does in {@code HANG} mode) never
 * answers: its caller sees a timeout when its deadline passes. Callbacks run directly, so they
 * must not block.
 *
 * <p>The wall clock ({@link #now()}) starts at a fixed instant and can be skewed with
 * {@link #skewWallClock(Duration)} without touching the monotonic clock, to show that the elector
 * judges leases on the monotonic clock only.
 *
 * <p>Not thread-safe: drive it from one test thread.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class VirtualElectionRuntime implements ElectionRuntime {

  /** The wall-clock time at virtual time zero. */
  public static final Instant DEFAULT_EPOCH = Instant.parse("2030-01-01T00:00:00Z");

  private static final int MAX_TASKS_PER_INSTANT = 1_000_000;
  private static final ThreadLocal<Boolean> IN_VIRTUAL_CALL = ThreadLocal.withInitial(() -> false);

  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private final Random random;
  private final Instant epoch;
  private long nowNanos;
  private long sequence;
  private Duration wallClockSkew = Duration.ZERO;
  private Duration lockCallLatency = Duration.ZERO;

  /** A runtime with seed 42 and {@link #DEFAULT_EPOCH}. */
  public VirtualElectionRuntime() {
    this(42L);
  }

  /**
   * @param seed the seed of the jitter
   */
  public VirtualElectionRuntime(long seed) {
    this(seed, DEFAULT_EPOCH);
  }

  /**
   * @param seed the seed of the jitter
   * @param epoch the wall-clock time at virtual time zero
   */
  public VirtualElectionRuntime(long seed, Instant epoch) {
    this.random = new Random(seed);
    this.epoch = Objects.requireNonNull(epoch, "epoch");
  }

  @Override
  public Instant now() {
    return epoch.plusNanos(nowNanos).plus(wallClockSkew);
  }

  @Override
  public long nanoTime() {
    return nowNanos;
  }

  /** Virtual time elapsed since the start. */
  public Duration elapsed() {
    return Duration.ofNanos(nowNanos);
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    Task t = new Task(nowNanos + Math.max(0, delay.toNanos()), sequence++, task);
    queue.add(t);
    return () -> t.cancelled = true;
  }

  @Override
  public <T> CompletableFuture<T> callLock(Callable<T> call, Duration timeout) {
    CompletableFuture<T> result = new CompletableFuture<>();
    T value = null;
    Throwable failure = null;
    boolean hung = false;
    IN_VIRTUAL_CALL.set(true);
    try {
      value = call.call();
    } catch (SimulatedHang h) {
      hung = true;
    } catch (Throwable t) {
      failure = t;
    } finally {
      IN_VIRTUAL_CALL.set(false);
    }
    if (hung || lockCallLatency.compareTo(timeout) >= 0) {
      schedule(timeout, () -> result.completeExceptionally(
          new TimeoutException("lock call did not answer within " + timeout + " (virtual time)")));
    } else {
      T v = value;
      Throwable f = failure;
      schedule(lockCallLatency, () -> {
        if (f != null) {
          result.completeExceptionally(f);
        } else {
          result.complete(v);
        }
      });
    }
    return result;
  }

  /** Callbacks run directly on the thread that advances time. */
  @Override
  public Executor callbackExecutor() {
    return Runnable::run;
  }

  @Override
  public double random() {
    return random.nextDouble();
  }

  /**
   * Sets how long every lock call takes to answer from now on.
   *
   * @param latency the virtual latency; a latency at or above a call's timeout makes it time out
   * @return this runtime
   */
  public VirtualElectionRuntime lockCallLatency(Duration latency) {
    this.lockCallLatency = Objects.requireNonNull(latency, "latency");
    return this;
  }

  /**
   * Moves the wall clock (only) by {@code skew}, as an NTP step or a badly set clock would.
   *
   * @param skew how far to move it, forwards or backwards
   * @return this runtime
   */
  public VirtualElectionRuntime skewWallClock(Duration skew) {
    this.wallClockSkew = wallClockSkew.plus(skew);
    return this;
  }

  /**
   * Runs everything due within {@code duration}, in time order, and leaves the clock at its end.
   *
   * @param duration how much virtual time passes
   */
  public void advance(Duration duration) {
    long target = nowNanos + duration.toNanos();
    runDueUntil(target, () -> false);
    nowNanos = Math.max(nowNanos, target);
  }

  /**
   * Advances until {@code condition} holds (checked after every task) or {@code limit} passes.
   *
   * @param condition what to wait for
   * @param limit how much virtual time may pass at most
   * @return the virtual time that passed, or empty when the limit passed first
   */
  public java.util.Optional<Duration> advanceUntil(BooleanSupplier condition, Duration limit) {
    long start = nowNanos;
    if (condition.getAsBoolean()) {
      return java.util.Optional.of(Duration.ZERO);
    }
    long target = nowNanos + limit.toNanos();
    boolean met = runDueUntil(target, condition);
    if (!met) {
      nowNanos = Math.max(nowNanos, target);
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(Duration.ofNanos(nowNanos - start));
  }

  /** Runs every task that is due now, without moving the clock. */
  public void runDueTasks() {
    runDueUntil(nowNanos, () -> false);
  }

  /** How many timers are pending (cancelled ones included until their time comes). */
  public int pendingTasks() {
    return (int) queue.stream().filter(t -> !t.cancelled).count();
  }

  /**
   * Whether the current thread is inside a lock call made through this kind of runtime; a fault
   * injector uses it to simulate a hang by throwing {@link SimulatedHang} instead of blocking.
   *
   * @return {@code true} inside {@link #callLock}
   */
  public static boolean inVirtualLockCall() {
    return IN_VIRTUAL_CALL.get();
  }

  private boolean runDueUntil(long target, BooleanSupplier condition) {
    int sameInstant = 0;
    long lastTime = Long.MIN_VALUE;
    while (true) {
      Task next = queue.peek();
      if (next == null || next.atNanos > target) {
        return false;
      }
      queue.poll();
      if (next.cancelled) {
        continue;
      }
      if (next.atNanos == lastTime) {
        if (++sameInstant > MAX_TASKS_PER_INSTANT) {
          throw new IllegalStateException("more than " + MAX_TASKS_PER_INSTANT
              + " tasks ran at virtual time " + Duration.ofNanos(lastTime) + ": a task reschedules itself without delay");
        }
      } else {
        sameInstant = 0;
        lastTime = next.atNanos;
      }
      nowNanos = Math.max(nowNanos, next.atNanos);
      next.task.run();
      if (condition.getAsBoolean()) {
        return true;
      }
    }
  }

  /**
   * Thrown inside a virtual lock call to say that the call never answers; the runtime turns it into
   * a timeout at the call's deadline.
   */
  public static final class SimulatedHang extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the signal. */
    public SimulatedHang() {
      super("simulated hang of a lock call", null, false, false);
    }
  }

  private static final class Task implements Comparable<Task> {
    final long atNanos;
    final long seq;
    final Runnable task;
    volatile boolean cancelled;

    Task(long atNanos, long seq, Runnable task) {
      this.atNanos = atNanos;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(atNanos, o.atNanos);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
