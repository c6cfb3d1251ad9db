package dev.baton.lock.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The deadline of one lock call. Query timeouts and socket timeouts bound each step of a call, but
 * not the whole, and a query timeout is cancelled through another connection that a dead network
 * cannot carry either. So at the deadline the connection in use is aborted
 * ({@link Connection#abort}), which closes its socket and makes the blocked thread fail at once.
 *
 * <p>One daemon thread serves the deadlines of every lock in the JVM.
 */
final class CallDeadline implements AutoCloseable {

  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "baton-jdbc-deadline");
    t.setDaemon(true);
    return t;
  });

  /** Runs the abort on the timer thread, so that it is over before {@link #close()} returns. */
  private static final Executor DIRECT = Runnable::run;

  private final long deadlineNanos;
  private final ScheduledFuture<?> timer;
  private Connection connection;
  private boolean closed;
  private boolean expired;

  private CallDeadline(Duration timeout) {
    this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    this.timer = TIMER.schedule(this::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Starts the clock of a call.
   *
   * @param timeout the bound of the whole call
   * @return the deadline; close it when the call is over
   */
  static CallDeadline start(Duration timeout) {
    return new CallDeadline(timeout);
  }

  /** From now on the deadline aborts {@code c}. */
  synchronized void guard(Connection c) {
    this.connection = c;
  }

  /** Whether the deadline passed before the call was over (and aborted its connection, if it had one). */
  synchronized boolean expired() {
    return expired || System.nanoTime() - deadlineNanos >= 0;
  }

  /** The time left, in whole seconds rounded up, at least 1: for {@link java.sql.Statement#setQueryTimeout}. */
  int queryTimeoutSeconds() {
    long left = Math.max(0, deadlineNanos - System.nanoTime());
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999_999L) / 1_000_000_000L));
  }

  /** The time left in milliseconds, at least 1. */
  int remainingMillis() {
    long left = Math.max(0, deadlineNanos - System.nanoTime());
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left)));
  }

  private synchronized void expire() {
    if (closed) {
      return;
    }
    expired = true;
    if (connection != null) {
      abortQuietly(connection);
    }
  }

  /** Ends the call: once this returns, the deadline can no longer abort the connection. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    timer.cancel(false);
  }

  /**
   * Closes a connection's socket without waiting for the server; never throws.
   *
   * @param c the connection
   */
  static void abortQuietly(Connection c) {
    try {
      c.abort(DIRECT);
    } catch (SQLException | RuntimeException ignored) {
      // Already closed, or the driver cannot abort: the socket and query timeouts still bound the call.
    }
  }
}
