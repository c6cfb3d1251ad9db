package dev.baton.leaderelection;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs user callbacks on a few threads, and adds a thread only when callbacks have waited in the
 * queue for a while because every thread is busy (an {@code onStartedLeading} that blocks for its
 * whole term holds a thread). So quick callbacks of thousands of electors share
 * {@value #CORE_THREADS} threads, and blocking callbacks cannot starve the others.
 *
 * <p>The bound, stated in {@link ElectionRuntime}'s Javadoc and tested: while B callbacks block
 * (run longer than {@value #STARVATION_CHECK_MILLIS} ms) and the others are quick, the pool has at
 * most max({@value #CORE_THREADS}, B + 1) threads. It grows by one thread per check, only when a
 * callback waits, every thread is busy and no callback finished since the previous check; when
 * nothing waits it shrinks back towards max({@value #CORE_THREADS}, busy + 1), keeping one spare
 * thread so that the quick callbacks do not wait for a check each time.
 *
 * <p>It is deliberately not bounded. Leaders that block in {@code onStartedLeading} each need a
 * thread for as long as they lead: with a bound of B, the (B+1)-th leader's work would not start
 * until another term ends, and every other callback (onNewLeader, onStoppedLeading) would queue
 * behind the blocked threads meanwhile; the elector waits for a stopped leader's work before it
 * releases the lock, so those leaders could not even hand over quickly. The thread count is
 * instead bounded by what the application does: one per blocking leader, plus one.
 *
 * <p>The starvation check runs on the timer only while a callback runs or waits; an idle pool
 * schedules nothing, and its threads end after the idle timeout.
 */
final class ElasticCallbackExecutor implements Executor {
  static final int CORE_THREADS = 4;
  static final long STARVATION_CHECK_MILLIS = 50;

  private final ThreadPoolExecutor pool;
  private final ScheduledExecutorService timer;

  // Guarded by this.
  private boolean checkScheduled;
  private long lastCompleted;

  ElasticCallbackExecutor(ThreadFactory threads, ScheduledExecutorService timer, Duration idleTimeout) {
    this.timer = timer;
    pool = new ThreadPoolExecutor(CORE_THREADS, CORE_THREADS, idleTimeout.toNanos(), TimeUnit.NANOSECONDS,
        new LinkedBlockingQueue<>(), threads);
    pool.allowCoreThreadTimeOut(true);
  }

  @Override
  public void execute(Runnable task) {
    pool.execute(task);
    synchronized (this) {
      if (!checkScheduled) {
        checkScheduled = true;
        lastCompleted = pool.getCompletedTaskCount();
        scheduleCheck();
      }
    }
  }

  /** Grows by one thread when tasks wait and no task completed since the previous check. */
  private synchronized void check() {
    long completed = pool.getCompletedTaskCount();
    boolean waiting = !pool.getQueue().isEmpty();
    int active = pool.getActiveCount();
    int size = pool.getMaximumPoolSize();
    if (waiting && active >= size && completed == lastCompleted) {
      pool.setMaximumPoolSize(size + 1);
      pool.setCorePoolSize(size + 1);
    } else if (!waiting && size > Math.max(CORE_THREADS, active + 1)) {
      int target = Math.max(CORE_THREADS, active + 1);
      pool.setCorePoolSize(target);
      pool.setMaximumPoolSize(target);
    }
    lastCompleted = completed;
    if (waiting || active > 0) {
      scheduleCheck();
    } else {
      checkScheduled = false;
    }
  }

  private void scheduleCheck() {
    try {
      timer.schedule(this::check, STARVATION_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      checkScheduled = false; // shut down
    }
  }

  /** Accepts no new callbacks; the running ones are not interrupted. */
  void shutdown() {
    pool.shutdown();
  }

  /** Threads the pool may use now (for tests). */
  synchronized int maximumPoolSize() {
    return pool.getMaximumPoolSize();
  }
}
