package dev.baton.leaderelection;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apiguardian.api.API;

/**
 * Everything the elector needs from its surroundings: a wall clock, a monotonic clock, a timer,
 * threads for lock calls and for user callbacks, and randomness for jitter.
 *
 * <p>Injecting it is what lets the elector run on virtual time: {@code baton-testkit}'s
 * {@code VirtualElectionRuntime} runs a 15-second failover in milliseconds, deterministically.
 * {@link #system()} is the real one, shared by every elector of the JVM, so that the thread count
 * does not grow with the number of elections.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public interface ElectionRuntime {

  /** The shared real-time runtime: bounded pools of daemon threads, created on first use. */
  static ElectionRuntime system() {
    return SystemElectionRuntime.INSTANCE;
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

  /** Where user callbacks ({@code onStartedLeading}, ...) run. */
  Executor callbackExecutor();

  /** A uniformly distributed number in [0, 1), for jitter. */
  double random();

  /** A scheduled task that can be cancelled. */
  @FunctionalInterface
  interface Cancellable {
    /** Cancels the task if it has not started; does nothing otherwise. */
    void cancel();
  }
}
