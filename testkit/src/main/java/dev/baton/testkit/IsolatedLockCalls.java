package dev.baton.testkit;

import dev.baton.leaderelection.ElectionRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A real-time runtime whose lock calls run on a pool of their own, shut down when the test ends;
 * everything else (clocks, timer, callbacks) is the wrapped runtime's. The system runtime's lock-call
 * pool is shared by the whole JVM: calls that hung in one test (a lock that ignores its timeout, a
 * blackholed store) would hold its threads and starve the electors of every later test, which would
 * then fail for a reason that is not theirs. With this, a test's hung calls stay in its own pool.
 */
final class IsolatedLockCalls implements ElectionRuntime, AutoCloseable {

  /** Threads per test: more than the system runtime's 8, so a test's own hung calls do not starve it either. */
  private static final int THREADS = 32;
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final ElectionRuntime shared;
  private final ThreadPoolExecutor calls;

  private IsolatedLockCalls(ElectionRuntime shared) {
    this.shared = shared;
    int pool = POOLS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.calls = new ThreadPoolExecutor(THREADS, THREADS, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "baton-kit-lock-call-" + pool + "-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    calls.allowCoreThreadTimeOut(true);
  }

  /**
   * A driver like {@code time} whose runtime runs lock calls on a pool of its own; a virtual driver
   * is returned as it is (its calls run on the thread that advances time).
   *
   * @param time the test's driver
   * @return the driver to use, and the runtime to close after the test (empty for a virtual driver)
   */
  static Isolated isolate(TimeDriver time) {
    if (time.isVirtual()) {
      return new Isolated(time, Optional.empty());
    }
    IsolatedLockCalls runtime = new IsolatedLockCalls(time.runtime());
    return new Isolated(new TimeDriver() {
      @Override
      public ElectionRuntime runtime() {
        return runtime;
      }

      @Override
      public long nanoTime() {
        return time.nanoTime();
      }

      @Override
      public Optional<Duration> awaitUntil(BooleanSupplier condition, Duration limit) {
        return time.awaitUntil(condition, limit);
      }

      @Override
      public void pass(Duration duration) {
        time.pass(duration);
      }

      @Override
      public boolean isVirtual() {
        return false;
      }
    }, Optional.of(runtime));
  }

  /**
   * A driver and the pool to close after the test.
   *
   * @param time the driver to use
   * @param pool the isolated runtime, empty on virtual time
   */
  record Isolated(TimeDriver time, Optional<IsolatedLockCalls> pool) {
  }

  @Override
  public Instant now() {
    return shared.now();
  }

  @Override
  public long nanoTime() {
    return shared.nanoTime();
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    return shared.schedule(delay, task);
  }

  @Override
  public <T> CompletableFuture<T> callLock(Callable<T> call, Duration timeout) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      calls.execute(() -> {
        try {
          result.complete(call.call());
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      result.completeExceptionally(closed);
      return result;
    }
    Cancellable timeoutTask = schedule(timeout, () -> result.completeExceptionally(
        new TimeoutException("lock call did not answer within " + timeout)));
    result.whenComplete((v, e) -> timeoutTask.cancel());
    return result;
  }

  @Override
  public Executor callbackExecutor() {
    return shared.callbackExecutor();
  }

  @Override
  public double random() {
    return shared.random();
  }

  /** Interrupts the calls still running (hung ones) and ends the pool's threads. */
  @Override
  public void close() {
    calls.shutdownNow();
  }

  @Override
  public String toString() {
    return "IsolatedLockCalls{" + shared + ", " + calls.getActiveCount() + " calls running}";
  }
}
