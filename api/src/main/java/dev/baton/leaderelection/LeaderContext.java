package dev.baton.leaderelection;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One leadership term, handed to {@link LeaderCallbacks#onStartedLeading}. It is cancelled the
 * moment leadership ends (lost, cancelled or stepped down), and from then on its fencing token is
 * no longer valid.
 *
 * <p>The fencing token strictly increases from one term to the next on the same lock: it is the
 * store's revision of the write that won the term ({@code ResourceLock.revision()}), or, for a
 * store without revisions, the record's {@code leaderTransitions}. Pass it to the systems the
 * leader writes to, so they can refuse a deposed leader's late writes.
 */
public final class LeaderContext {
  private final String identity;
  private final String lockDescription;
  private final long fencingToken;
  private final CompletableFuture<Void> cancellation = new CompletableFuture<>();

  LeaderContext(String identity, String lockDescription, long fencingToken) {
    this.identity = identity;
    this.lockDescription = lockDescription;
    this.fencingToken = fencingToken;
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

  /** Whether this term still goes on. */
  public boolean isLeading() {
    return !cancellation.isDone();
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

  void cancel() {
    cancellation.complete(null);
  }

  @Override
  public String toString() {
    return "LeaderContext{" + identity + " on " + lockDescription + ", fencingToken=" + fencingToken
        + (isLeading() ? ", leading" : ", ended") + "}";
  }
}
