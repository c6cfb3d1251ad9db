package dev.baton.lock.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
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
 * <p>The abort runs on a thread of its own: some drivers first try to end the running query through
 * a new connection (MariaDB sends {@code KILL}), which a dead network holds up. A connection whose
 * call was aborted is never given back to a pool ({@link #aborted()}).
 *
 * <p>One daemon thread serves the deadlines of every lock in the JVM; aborts run on daemon threads
 * that exist only while an abort is under way.
 */
final class CallDeadline implements AutoCloseable {

  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "baton-jdbc-deadline");
    t.setDaemon(true);
    return t;
  });

  private static final ExecutorService ABORTS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "baton-jdbc-abort");
    t.setDaemon(true);
    return t;
  });

  /** Runs the driver's part of an abort on the aborting thread. */
  private static final Executor DIRECT = Runnable::run;

  private final long deadlineNanos;
  private final ScheduledFuture<?> timer;
  private Connection connection;
  private boolean closed;
  private boolean expired;
  private boolean aborted;

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

  /** Whether the deadline aborted the call's connection (then it must not serve another call). */
  synchronized boolean aborted() {
    return aborted;
  }

  /**
   * The query timeout for {@link java.sql.Statement#setQueryTimeout}: the time left in whole seconds
   * rounded up, plus one, so that the deadline's abort comes first. The query timeout is the
   * server-side backstop (a statement waiting for a row lock); a driver that cancels through a new
   * connection (PostgreSQL) would otherwise hold the call up on a dead network.
   */
  int queryTimeoutSeconds() {
    long left = Math.max(0, deadlineNanos - System.nanoTime());
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE - 1, (left + 999_999_999L) / 1_000_000_000L)) + 1;
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
      aborted = true;
      Connection c = connection;
      ABORTS.execute(() -> abortQuietly(c));
    }
  }

  /** Ends the call: once this returns, the deadline can no longer start an abort. */
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
