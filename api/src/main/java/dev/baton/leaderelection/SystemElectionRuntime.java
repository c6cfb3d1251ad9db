package dev.baton.leaderelection;

import dev.baton.leaderelection.ElectionRuntime.LockCallPriority;
import dev.baton.leaderelection.ExecutorElectionRuntime.QueuedCall;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real-time runtime on pools Baton creates: {@value #TIMER_THREADS} timer threads, at most
 * {@value #LOCK_CALL_THREADS} threads for blocking lock calls (queued beyond that), and
 * {@value ElasticCallbackExecutor#CORE_THREADS} threads for user callbacks, more only while
 * callbacks block (see {@link ElasticCallbackExecutor}). All threads are daemons named
 * {@code baton-*}, started on demand, and end after {@value #IDLE_TIMEOUT_SECONDS} s idle; nothing
 * is scheduled periodically while no elector runs, so an idle runtime has no thread at all.
 * (The numbers are repeated in {@link ElectionRuntime}'s Javadoc and docs/elector.md.)
 *
 * <p>The {@link #shared() shared} instance is {@link ElectionRuntime#system()}: created on first
 * use (not by {@link LeaderElectionConfig#builder()}), and never shut down. The others come from
 * {@link ElectionRuntime#create()} and shut their pools down on {@link #close()}.
 */
final class SystemElectionRuntime extends ExecutorElectionRuntime {

  static final int TIMER_THREADS = 2;
  static final int LOCK_CALL_THREADS = 8;
  /**
   * Lock-call threads only leaders' renewals may take: a follower's first attempt (opening its
   * watch, reading, creating) can hold a thread for a while, and a start-up herd of thousands would
   * otherwise fill every thread while renewals wait, however high their priority; handovers, which
   * go first, are kept off them too, so that a herd of them (another JVM's leaders all gone at once)
   * cannot hold back every renewal.
   */
  static final int THREADS_KEPT_FOR_LEADERS = 2;
  static final long IDLE_TIMEOUT_SECONDS = 30;

  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(IDLE_TIMEOUT_SECONDS);
  private static final AtomicInteger CREATED = new AtomicInteger();

  /** Whether the shared instance was created, for tests; reading it does not create it. */
  private static final AtomicBoolean SHARED_CREATED = new AtomicBoolean();

  /** Holds the shared instance, so that it is created on the first call to {@link #shared()}. */
  private static final class Shared {
    static final SystemElectionRuntime INSTANCE = new SystemElectionRuntime(Pools.create("baton-", IDLE_TIMEOUT), true);
  }

  private final Pools pools;
  private final boolean shared;
  private final String name;

  private SystemElectionRuntime(Pools pools, boolean shared) {
    super(pools.timer, pools.lockCallGate, pools.callbacks);
    this.pools = pools;
    this.shared = shared;
    this.name = pools.prefix.substring(0, pools.prefix.length() - 1);
    if (shared) {
      SHARED_CREATED.set(true);
    }
  }

  /** The JVM-wide runtime, {@link ElectionRuntime#system()}. */
  static SystemElectionRuntime shared() {
    return Shared.INSTANCE;
  }

  /** Whether {@link #shared()} was ever called in this class loader. */
  static boolean sharedCreated() {
    return SHARED_CREATED.get();
  }

  /** A runtime with pools of its own, {@link ElectionRuntime#create()}. */
  static SystemElectionRuntime createOwned() {
    return createOwned("baton-" + CREATED.incrementAndGet() + "-", IDLE_TIMEOUT);
  }

  /**
   * A runtime with pools of its own.
   *
   * @param threadPrefix the start of its threads' names, such as {@code "baton-3-"}
   * @param idleTimeout how long an idle thread lives (tests shorten it)
   */
  static SystemElectionRuntime createOwned(String threadPrefix, Duration idleTimeout) {
    return new SystemElectionRuntime(Pools.create(threadPrefix, idleTimeout), false);
  }

  /** Shuts this runtime's pools down, unless it is the shared one (see {@link ElectionRuntime#close()}). */
  @Override
  public void close() {
    if (!shared) {
      pools.shutdown();
    }
  }

  /** Whether {@link #close()} shut the pools down. */
  boolean isShutdown() {
    return pools.timer.isShutdown();
  }

  /** Threads the callback pool may use now (for tests). */
  int callbackThreadLimit() {
    return pools.callbacks.maximumPoolSize();
  }

  /** Tasks waiting on the timer, cancelled ones excluded (they are removed at once; for tests). */
  int scheduledTasks() {
    return pools.timer.getQueue().size();
  }

  /** Timer tasks run so far (for tests: it stays still while nothing is scheduled). */
  long timerTasksRun() {
    return pools.timer.getCompletedTaskCount();
  }

  @Override
  public String toString() {
    return "ElectionRuntime{" + name + (shared ? ", shared" : "") + (isShutdown() ? ", closed" : "") + "}";
  }

  /**
   * Hands leaders' renewals to the pool at once and lets at most {@code limit} other calls
   * (followers' attempts and handovers) be in the pool (queued or running) at a time, handovers
   * first, each kind in arrival order, so that renewals always find a thread.
   */
  static final class FollowerGate implements Executor {
    private final ThreadPoolExecutor pool;
    private final int limit;
    private final Queue<QueuedCall> waiting = new PriorityBlockingQueue<>();
    private final AtomicInteger inPool = new AtomicInteger();

    FollowerGate(ThreadPoolExecutor pool, int limit) {
      this.pool = pool;
      this.limit = limit;
    }

    @Override
    public void execute(Runnable task) {
      if (!(task instanceof QueuedCall call) || call.priority() == LockCallPriority.LEADER) {
        pool.execute(task);
        return;
      }
      if (pool.isShutdown()) {
        throw new RejectedExecutionException("the runtime is closed");
      }
      waiting.add(call);
      drain();
    }

    /** Gated calls (followers' and handovers) in the pool now, queued or running (for tests). */
    int followersInPool() {
      return inPool.get();
    }

    private void drain() {
      while (!waiting.isEmpty()) {
        int n = inPool.get();
        if (n >= limit) {
          return;   // the call that frees a place drains again
        }
        if (!inPool.compareAndSet(n, n + 1)) {
          continue;
        }
        QueuedCall next = waiting.poll();
        if (next == null) {
          inPool.decrementAndGet();
          continue;
        }
        try {
          pool.execute(next.withBody(() -> {
            try {
              next.run();
            } finally {
              inPool.decrementAndGet();
              drain();
            }
          }));
        } catch (RejectedExecutionException closed) {
          inPool.decrementAndGet();
          return;   // closed meanwhile: its caller's timeout answers it
        }
      }
    }
  }

  /** The three pools of one runtime. */
  private static final class Pools {
    final String prefix;
    final ScheduledThreadPoolExecutor timer;
    final ThreadPoolExecutor lockCalls;
    /** Where lock calls are handed in: followers' through a gate that keeps threads for leaders. */
    final FollowerGate lockCallGate;
    final ElasticCallbackExecutor callbacks;

    private Pools(String prefix, Duration idle) {
      this.prefix = prefix;
      timer = new ScheduledThreadPoolExecutor(TIMER_THREADS, daemonThreads(prefix + "timer-"));
      timer.setRemoveOnCancelPolicy(true);
      timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      timer.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
      // A waiting task keeps the last timer thread alive (ThreadPoolExecutor never lets its last
      // worker go while the queue holds a task), so timing out only ends threads with nothing to do.
      timer.setKeepAliveTime(idle.toNanos(), TimeUnit.NANOSECONDS);
      timer.allowCoreThreadTimeOut(true);
      // Handovers, then renewals, then followers' calls when calls queue (ExecutorElectionRuntime.QueuedCall).
      lockCalls = new ThreadPoolExecutor(LOCK_CALL_THREADS, LOCK_CALL_THREADS, idle.toNanos(), TimeUnit.NANOSECONDS,
          new PriorityBlockingQueue<>(), daemonThreads(prefix + "lock-call-"));
      lockCalls.allowCoreThreadTimeOut(true);
      lockCallGate = new FollowerGate(lockCalls, LOCK_CALL_THREADS - THREADS_KEPT_FOR_LEADERS);
      callbacks = new ElasticCallbackExecutor(daemonThreads(prefix + "callback-"), timer, idle);
    }

    static Pools create(String prefix, Duration idle) {
      return new Pools(prefix, idle);
    }

    /** Drops pending timers, accepts nothing new, interrupts nothing that runs. */
    void shutdown() {
      timer.shutdown();
      lockCalls.shutdown();
      callbacks.shutdown();
    }

    private static ThreadFactory daemonThreads(String prefix) {
      AtomicInteger n = new AtomicInteger();
      return r -> {
        Thread t = new Thread(r, prefix + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
    }
  }
}
