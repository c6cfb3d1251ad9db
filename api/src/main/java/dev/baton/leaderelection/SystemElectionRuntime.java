package dev.baton.leaderelection;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real-time runtime shared by every elector of the JVM: 2 timer threads, at most
 * {@value #LOCK_CALL_THREADS} threads for blocking lock calls (queued beyond that), and
 * {@value ElasticCallbackExecutor#CORE_THREADS} threads for user callbacks, more only while
 * callbacks block (see {@link ElasticCallbackExecutor}). Idle threads end after a while. All
 * threads are daemons named {@code baton-*}.
 */
final class SystemElectionRuntime implements ElectionRuntime {

  static final int LOCK_CALL_THREADS = 8;

  static final SystemElectionRuntime INSTANCE = new SystemElectionRuntime();

  private final ScheduledThreadPoolExecutor timer;
  private final ExecutorService lockCalls;
  private final ElasticCallbackExecutor callbacks;

  private SystemElectionRuntime() {
    timer = new ScheduledThreadPoolExecutor(2, daemonThreads("baton-timer-"));
    timer.setRemoveOnCancelPolicy(true);
    ThreadPoolExecutor calls = new ThreadPoolExecutor(LOCK_CALL_THREADS, LOCK_CALL_THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), daemonThreads("baton-lock-call-"));
    calls.allowCoreThreadTimeOut(true);
    lockCalls = calls;
    callbacks = new ElasticCallbackExecutor(daemonThreads("baton-callback-"), timer);
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
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
    lockCalls.execute(() -> {
      try {
        result.complete(call.call());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
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
}
