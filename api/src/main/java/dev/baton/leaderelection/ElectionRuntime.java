package dev.baton.leaderelection;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.apiguardian.api.API;

/**
 * Everything the elector needs from its surroundings: a wall clock, a monotonic clock, a timer,
 * threads for lock calls and for user callbacks, and randomness for jitter.
 *
 * <p>Injecting it is what lets the elector run on virtual time: {@code baton-testkit}'s
 * {@code VirtualElectionRuntime} runs a 15-second failover in milliseconds, deterministically.
 * Three real-time runtimes come with Baton:
 * <ul>
 *   <li>{@link #system()}: shared by every elector of the JVM (the default), so that the thread
 *       count does not grow with the number of elections. Closing it does nothing.</li>
 *   <li>{@link #create()}: the same pools, but this runtime's own; {@link #close()} shuts them
 *       down. For an application or a test that wants its electors' threads to itself.</li>
 *   <li>{@link #create(ScheduledExecutorService, Executor, Executor)}: built from executors the
 *       application already has. The application owns them: {@link #close()} leaves them
 *       running.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * The runtimes Baton creates have daemon threads named {@code baton-*}, started only when there
 * is work: 2 timer threads, at most 8 threads for blocking lock calls (further calls wait in a
 * queue), and 4 threads for callbacks, more only while callbacks block. A callback that blocks
 * holds its thread, so when callbacks have waited 50 ms behind busy threads with none finishing,
 * the callback pool adds one thread, and again 50 ms later while that lasts. So N leaders blocking
 * in {@link LeaderCallbacks#onStartedLeading} for their whole term cost N callback threads plus one
 * for every other callback: at most max(4, N + 1) callback threads, and 2 + 8 + max(4, N + 1)
 * threads in all, while the other callbacks return within 50 ms (a slower one counts as blocking).
 * The pool is deliberately not bounded: a bound would leave the leaders beyond it without their
 * work, and every later callback queued behind the blocked threads, for as long as the others lead.
 * Threads idle for 30 s end, and nothing runs periodically while no elector runs, so after the last
 * elector stopped the threads end within that time.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public interface ElectionRuntime extends AutoCloseable {

  /**
   * The shared real-time runtime: bounded pools of daemon threads, started on first use, used by
   * every elector of the JVM that is given no other runtime. Its {@link #close()} does nothing.
   *
   * @return the JVM-wide runtime
   */
  static ElectionRuntime system() {
    return SystemElectionRuntime.shared();
  }

  /**
   * A new real-time runtime with pools of its own, as {@link #system()} has; {@link #close()} shuts
   * them down. Its threads are daemons named {@code baton-<n>-timer-*}, {@code baton-<n>-lock-call-*}
   * and {@code baton-<n>-callback-*}, with {@code <n>} numbering the runtimes created.
   *
   * @return the runtime; close it once the electors on it have stopped
   */
  static ElectionRuntime create() {
    return SystemElectionRuntime.createOwned();
  }

  /**
   * A real-time runtime on executors the application already has, for example the ones its
   * framework manages. The application owns them: {@link #close()} on this runtime does not shut
   * them down.
   *
   * <p>What the elector expects from them:
   * <ul>
   *   <li>{@code timer} runs short tasks only (the elector's steps, a few microseconds each, and
   *       time-outs). Baton cancels timers often: a {@code ScheduledThreadPoolExecutor} with
   *       {@code setRemoveOnCancelPolicy(true)} drops them at once.</li>
   *   <li>{@code lockCalls} runs blocking lock calls, one at a time per elector, each bounded by its
   *       lock's client timeout. A bounded pool is right; calls beyond it wait.</li>
   *   <li>{@code callbacks} runs {@link LeaderCallbacks} on threads other than the caller's. A
   *       leader that blocks in {@link LeaderCallbacks#onStartedLeading} holds one of its threads for
   *       the whole term, so it needs a thread per such leader plus one: a bounded pool smaller
   *       than that leaves the leaders beyond it without their work until threads free up.</li>
   * </ul>
   * One executor may serve more than one role when it honours each role's needs.
   *
   * @param timer runs the elector's steps and time-outs
   * @param lockCalls runs blocking lock calls
   * @param callbacks runs user callbacks
   * @return the runtime
   */
  static ElectionRuntime create(ScheduledExecutorService timer, Executor lockCalls, Executor callbacks) {
    return new ExecutorElectionRuntime(timer, lockCalls, callbacks);
  }

  /** Wall-clock time, used only for the timestamps written into the record. */
  Instant now();

  /** Monotonic time in nanoseconds, used for every duration the elector judges. */
  long nanoTime();

  /**
   * Runs {@code task} once after {@code delay}. Tasks must be short: they run on the timer's
   * threads.
   *
   * @param delay how long to wait; zero or negative runs as soon as possible
   * @param task what to run
   * @return a handle that cancels the task if it has not started
   * @throws java.util.concurrent.RejectedExecutionException when the runtime was closed
   */
  Cancellable schedule(Duration delay, Runnable task);

  /**
   * Runs a blocking lock call on a bounded pool. The returned future completes with the call's
   * result, or with a {@link java.util.concurrent.TimeoutException} once {@code timeout} passed
   * (the call itself may go on until the lock's own client timeout ends it).
   *
   * @param call the lock call
   * @param timeout when to give up waiting for it
   * @param <T> the call's result type
   * @return the outcome
   */
  <T> CompletableFuture<T> callLock(Callable<T> call, Duration timeout);

  /**
   * Runs a blocking lock call as {@link #callLock(Callable, Duration)} does, telling the runtime
   * how urgent it is. When its lock-call pool is saturated (more electors than the store serves in
   * time), Baton's own pools run queued calls by {@link LockCallPriority}: handovers, then leaders'
   * renewals, then followers' attempts, so running terms keep their renewals and followers' attempts
   * wait; calls of one priority run in the order they came. The elector calls this
   * method. By default it ignores the priority; a wrapper that changes lock calls overrides this
   * method ({@link ForwardingElectionRuntime} forwards it with its priority).
   *
   * @param call the lock call
   * @param timeout when to give up waiting for it
   * @param priority whose call it is
   * @param <T> the call's result type
   * @return the outcome
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  default <T> CompletableFuture<T> callLock(Callable<T> call, Duration timeout, LockCallPriority priority) {
    return callLock(call, timeout);
  }

  /**
   * Whose lock call it is, for a saturated lock-call pool: see {@link #callLock(Callable, Duration, LockCallPriority)}.
   * Baton's pools run queued calls in this order: handovers, then leaders' renewals, then followers'
   * attempts.
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  enum LockCallPriority {
    /**
     * A call an election without a leader waits on: a leader's release, or a follower's attempt on a
     * lock it saw released or whose lease it saw expire. Runs first: there are only as many as
     * leaders that went, and behind a queue of renewals a handover would wait as long as the queue
     * (up to seconds past the store's ceiling). Baton's pools let such calls hold at most 6 of the 8
     * lock-call threads, as followers' calls, so renewals always find a thread.
     */
    HANDOVER,
    /** A leader's renewal: a running term depends on it. Runs before followers' calls. */
    LEADER,
    /**
     * A follower's attempt to acquire (and to open its watch) while the lock it last saw is held, or
     * before it saw the lock at all: may wait for the others.
     */
    FOLLOWER
  }

  /** Where user callbacks ({@code onStartedLeading}, ...) run. */
  Executor callbackExecutor();

  /** A uniformly distributed number in [0, 1), for jitter. */
  double random();

  /**
   * Releases what this runtime owns. Close a runtime only after the electors on it have stopped
   * (their run's future completed): an elector still running on a closed runtime has its timers
   * and lock calls refused, so its run does not end. Closing twice does nothing more.
   *
   * <ul>
   *   <li>A runtime from {@link #create()} shuts its pools down: pending timers are dropped,
   *       nothing new is accepted, and work already running (a lock call, a leader's
   *       {@code onStartedLeading}) is not interrupted; its threads end when it returns. It does
   *       not wait for that.</li>
   *   <li>A runtime from {@link #create(ScheduledExecutorService, Executor, Executor)} does nothing:
   *       the application owns its executors and shuts them down itself.</li>
   *   <li>{@link #system()} does nothing: it is shared by every elector of the JVM, also by
   *       libraries that know nothing of the caller, so no one caller may end it (as
   *       {@link java.util.concurrent.ForkJoinPool#commonPool()} ignores {@code shutdown()}). Its
   *       threads are daemons and end on their own once idle, so there is nothing to release; and
   *       a container that closes every {@code AutoCloseable} bean it holds (Spring does) must not
   *       fail on it.</li>
   *   <li>Other implementations (the kit's virtual runtime) release nothing by default.</li>
   * </ul>
   */
  @Override
  default void close() {
  }

  /** A scheduled task that can be cancelled. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task if it has not started; does nothing otherwise. */
    void cancel();
  }
}
