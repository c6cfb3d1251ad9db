package dev.baton.leaderelection;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apiguardian.api.API;

/**
 * One leadership term, handed to {@link LeaderCallbacks#onStartedLeading}. It is cancelled the
 * moment leadership ends (lost, cancelled or stepped down), and from then on its fencing token is
 * no longer valid.
 *
 * <p><b>Validity deadline.</b> A term is valid only until a deadline on the local monotonic clock:
 * the start of the last successful write of the term (the acquisition, then each renewal) plus
 * renewDeadline. {@link #isLeading()} and {@link #checkLeading()} compute it on every call; they do
 * not wait for an elector thread to notice. A process woken from a pause (a long GC, SIGSTOP, a VM
 * migration) that outlasted the deadline therefore sees {@code false} at its very first check,
 * before any timer has run. Followers take over only after leaseDuration of no change, and
 * leaseDuration exceeds renewDeadline by at least 1 s, so the deadline always falls before another
 * candidate may start, as long as the monotonic clocks of the candidates run at rates that differ
 * by less than that margin (client-go's assumption too). An action that already passed its check
 * when the pause began is not covered by any check: that is what the {@link #fencingToken()} is for.
 * Bound downstream calls by {@link #validFor()}:
 *
 * <pre>{@code
 * while (term.isLeading()) {
 *   Duration left = term.validFor();              // time this term is still known to be valid
 *   store.write(item, term.fencingToken(), left);  // the store refuses tokens lower than the last seen
 * }
 * }</pre>
 *
 * <p>The fencing token strictly increases from one term to the next on the same lock: it is the
 * store's revision of the write that won the term ({@code ResourceLock.revision()}), or, for a
 * store without revisions, the record's {@code leaderTransitions}. Pass it to the systems the
 * leader writes to, so they can refuse a deposed leader's late writes.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class LeaderContext {
  private final String identity;
  private final String lockDescription;
  private final long fencingToken;
  private final CompletableFuture<Void> cancellation = new CompletableFuture<>();
  private final LongSupplier clock;
  private volatile long deadlineNanos;

  LeaderContext(String identity, String lockDescription, long fencingToken, LongSupplier clock, long deadlineNanos) {
    this.identity = identity;
    this.lockDescription = lockDescription;
    this.fencingToken = fencingToken;
    this.clock = clock;
    this.deadlineNanos = deadlineNanos;
  }

  /** This candidate's identity. */
  public String identity() {
    return identity;
  }

  /** The lock this term holds, as {@code ResourceLock.describe()}. */
  public String lockDescription() {
    return lockDescription;
  }

  /** The term's fencing token; valid only while {@link #isLeading()}. */
  public long fencingToken() {
    return fencingToken;
  }

  /**
   * Whether this term still goes on: it was not cancelled and its validity deadline has not passed
   * on the monotonic clock (computed now, see the class comment).
   *
   * @return {@code true} while the term is valid
   */
  public boolean isLeading() {
    return !cancellation.isDone() && deadlineNanos - clock.getAsLong() > 0;
  }

  /**
   * How long this term is still known to be valid: the time left until its validity deadline, or
   * zero once it passed or the term was cancelled. Renewals move the deadline later, so a term that
   * keeps renewing stays valid; use the value to bound a downstream call.
   *
   * @return the time left, never negative
   */
  public Duration validFor() {
    if (cancellation.isDone()) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(Math.max(0, deadlineNanos - clock.getAsLong()));
  }

  /**
   * The validity deadline on the elector's monotonic clock ({@code ElectionRuntime.nanoTime()}, which
   * is {@link System#nanoTime()} on the system runtime): the start of the term's last successful
   * write plus renewDeadline.
   *
   * @return the deadline in monotonic nanoseconds
   */
  public long deadlineNanos() {
    return deadlineNanos;
  }

  /**
   * Throws unless this term still goes on; call it before each action that needs leadership.
   *
   * @throws IllegalStateException when the term ended
   */
  public void checkLeading() {
    if (!isLeading()) {
      throw new IllegalStateException("leadership of " + identity + " on " + lockDescription
          + " has ended; fencing token " + fencingToken + " is no longer valid");
    }
  }

  /** Completes when the term ends. */
  public CompletionStage<Void> cancellation() {
    return cancellation.copy();
  }

  /**
   * Waits until the term ends or {@code timeout} passes.
   *
   * @param timeout how long to wait at most
   * @return {@code true} when the term ended
   * @throws InterruptedException when interrupted while waiting
   */
  public boolean awaitCancellation(Duration timeout) throws InterruptedException {
    try {
      cancellation.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  /** Moves the deadline after a successful renewal; never moves it earlier. */
  void extendDeadline(long newDeadlineNanos) {
    if (newDeadlineNanos - deadlineNanos > 0) {
      deadlineNanos = newDeadlineNanos;
    }
  }

  void cancel() {
    cancellation.complete(null);
  }

  @Override
  public String toString() {
    return "LeaderContext{" + identity + " on " + lockDescription + ", fencingToken=" + fencingToken
        + (isLeading() ? ", leading for " + validFor() : ", ended") + "}";
  }
}
