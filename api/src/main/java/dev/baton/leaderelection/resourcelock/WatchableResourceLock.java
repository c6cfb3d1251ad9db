package dev.baton.leaderelection.resourcelock;

import java.util.function.Consumer;

/**
 * A lock that can tell its candidates when the stored record changes, so that a follower reacts
 * to a release or an expiry at once instead of on its next poll (the optional watch capability).
 *
 * <p>The elector uses notifications only to learn earlier what it would otherwise learn by
 * polling: it still reads and writes through {@link #get()} and {@link #update}, and it still polls
 * as a safety net, so a lost or late notification costs time, never safety.
 */
public interface WatchableResourceLock extends ResourceLock {

  /**
   * Starts delivering changes of the stored record to {@code listener}: the new record with its
   * raw bytes, or {@code null} when the record was deleted. Records that cannot be parsed are not
   * delivered. A broken watch is re-established by the lock; it never blocks the lock's other
   * calls. The listener must return quickly.
   *
   * @param listener receives each change, on a thread of the lock's choosing
   * @return a handle that stops the deliveries when closed
   * @throws LockException when the watch cannot be started
   */
  RecordWatch watch(Consumer<ObservedRecord> listener) throws LockException;

  /** A running watch; closing it stops the deliveries. */
  interface RecordWatch extends AutoCloseable {
    /** Stops the deliveries. Never throws. */
    @Override
    void close();
  }
}
