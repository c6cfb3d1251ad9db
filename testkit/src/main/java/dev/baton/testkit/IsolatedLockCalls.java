package dev.baton.testkit;

import dev.baton.leaderelection.ElectionRuntime;
import dev.baton.leaderelection.ForwardingElectionRuntime;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A real-time runtime whose lock calls run on a pool of their own, shut down when the test ends;
 * everything else (clocks, timer, callbacks) is the wrapped runtime's. The system runtime's lock-call
 * pool is shared by the whole JVM: calls that hung in one test (a lock that ignores its timeout, a
 * blackholed store) would hold its threads and starve the electors of every later test, which would
 * then fail for a reason that is not theirs. With this, a test's hung calls stay in its own pool.
 *
 * <p>The lock calls go through {@link ElectionRuntime#create(java.util.concurrent.ScheduledExecutorService,
 * Executor, Executor)} on executors this class owns: a pool of {@value #THREADS} threads and a
 * timer thread for the calls' time-outs. That runtime's {@code close()} leaves executors it was
 * given running, and would not interrupt a hung call anyway, so {@link #close()} shuts them down
 * itself, interrupting the calls still running. (The wrapped runtime's clocks stay in use: a
 * {@link TimeDriver} measures on them, and a runtime of {@code ElectionRuntime.create()} would
 * replace them.)
 */
final class IsolatedLockCalls extends ForwardingElectionRuntime implements AutoCloseable {

  /**
   * Threads per test: more than the system runtime's 8. An elector has one call in flight at a
   * time, but a test may run many electors, and each keeps a thread while its call hangs.
   */
  private static final int THREADS = 32;
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final ThreadPoolExecutor calls;
  private final ScheduledThreadPoolExecutor timeouts;
  private final ElectionRuntime own;

  private IsolatedLockCalls(ElectionRuntime shared) {
    super(shared);
    String prefix = "baton-kit-" + POOLS.incrementAndGet() + "-";
    this.calls = new ThreadPoolExecutor(THREADS, THREADS, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        daemonThreads(prefix + "lock-call-"));
    calls.allowCoreThreadTimeOut(true);
    this.timeouts = new ScheduledThreadPoolExecutor(1, daemonThreads(prefix + "timeout-"));
    timeouts.setRemoveOnCancelPolicy(true);
    this.own = ElectionRuntime.create(timeouts, calls, delegate().callbackExecutor());
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
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




  /** Runs the call on this test's own pool; its time-out runs on this test's own timer thread. */
  @Override
  public <T> CompletableFuture<T> callLock(Callable<T> call, Duration timeout,
      ElectionRuntime.LockCallPriority priority) {
    return own.callLock(call, timeout, priority);
  }



  /**
   * Interrupts the calls still running (hung ones), drops pending time-outs and ends the threads.
   * A call refused afterwards fails at once ({@code RejectedExecutionException}).
   */
  @Override
  public void close() {
    own.close();
    calls.shutdownNow();
    timeouts.shutdownNow();
  }

  @Override
  public String toString() {
    return "IsolatedLockCalls{" + delegate() + ", " + calls.getActiveCount() + " calls running}";
  }
}
