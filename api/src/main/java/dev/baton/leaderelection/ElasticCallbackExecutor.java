package dev.baton.leaderelection;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs user callbacks on a few threads, and adds a thread only when callbacks have waited in the
 * queue for a while because every thread is busy (an {@code onStartedLeading} that blocks for its
 * whole term holds a thread). So quick callbacks of thousands of electors share
 * {@value #CORE_THREADS} threads, and blocking callbacks cannot starve the others. Threads added
 * beyond the core end after a minute idle.
 */
final class ElasticCallbackExecutor implements Executor {
  static final int CORE_THREADS = 4;
  private static final long STARVATION_CHECK_MILLIS = 50;

  private final ThreadPoolExecutor pool;

  ElasticCallbackExecutor(ThreadFactory threads, ScheduledExecutorService timer) {
    pool = new ThreadPoolExecutor(CORE_THREADS, CORE_THREADS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
    pool.allowCoreThreadTimeOut(true);
    timer.scheduleWithFixedDelay(this::growIfStarved, STARVATION_CHECK_MILLIS, STARVATION_CHECK_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  private long lastCompleted = -1;

  /** Grows by one thread when tasks wait and no task completed since the previous check. */
  private synchronized void growIfStarved() {
    long completed = pool.getCompletedTaskCount();
    boolean waiting = !pool.getQueue().isEmpty();
    boolean allBusy = pool.getActiveCount() >= pool.getMaximumPoolSize();
    if (waiting && allBusy && completed == lastCompleted) {
      int size = pool.getMaximumPoolSize() + 1;
      pool.setMaximumPoolSize(size);
      pool.setCorePoolSize(size);
    } else if (!waiting && pool.getActiveCount() < CORE_THREADS && pool.getCorePoolSize() > CORE_THREADS) {
      pool.setCorePoolSize(CORE_THREADS);
      pool.setMaximumPoolSize(CORE_THREADS);
    }
    lastCompleted = completed;
  }

  @Override
  public void execute(Runnable task) {
    pool.execute(task);
  }

  /** Threads the pool may use now (for tests). */
  int maximumPoolSize() {
    return pool.getMaximumPoolSize();
  }
}
