package dev.baton.leaderelection.resourcelock;

import java.util.function.Consumer;
import org.apiguardian.api.API;

/**
 * A lock that can tell its candidates when the stored record changes, so that a follower reacts
 * to a release or an expiry at once instead of on its next poll (the optional watch capability).
 *
 * <p>The elector uses notifications only to learn earlier what it would otherwise learn by
 * polling: it still reads and writes through {@link #get()} and {@link #update}, and it still polls
 * as a safety net, so a lost or late notification costs time, never safety.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public interface WatchableResourceLock extends ResourceLock {

  /**
   * Starts delivering changes of the stored record to {@code listener}: the new record with its
   * raw bytes, or {@code null} when the record was deleted. Records that cannot be parsed are not
   * delivered. A broken watch is re-established by the lock; it never blocks the lock's other
   * calls. The listener must return quickly.
   *
   * <p><b>A watch starts from a known point.</b> When this method returns, the watch is anchored:
   * at a read of the store made by this call, or at the revision or resourceVersion such a read
   * returned, and the store is already following the record from there. Every write committed
   * after that point is delivered, including one made the moment this method returns, by this
   * process or any other. Where the store can replay history (etcd, Kubernetes) each later write
   * is delivered, except history the store compacted away while the watch was broken, which is
   * replaced by the latest state; where it cannot (ZooKeeper, whose watch events carry no data and
   * must be followed by a read), writes close together may be coalesced into the latest state,
   * which is then always delivered. A write is never left undelivered because it raced with the
   * opening of the watch or with its re-establishment after a break.
   *
   * <p>The state at the anchor itself is not delivered: a caller that needs it reads the record
   * ({@link #get()}) after this method returns, as the elector does; that read sees the anchor or
   * something newer, and anything newer is delivered as well. (Delivering the anchor would make an
   * unchanged record look like a fresh write, which a follower would take as a renewal.)
   *
   * <p><b>The anchor read never moves the compare-and-set version.</b> The read a watch makes is its
   * own: it must not change the version this lock instance's next {@link #update} compares against
   * (the version the last {@link #get()}, {@link #create} or {@link #update} of this instance saw),
   * nor what {@link #revision()} reports. Otherwise opening a watch after another candidate's
   * write would let this instance overwrite that write without ever having read it. Nothing the
   * watch delivers changes that version either.
   *
   * @param listener receives each change after the anchor, in the order the store made them, on a
   *     thread of the lock's choosing
   * @return a handle that stops the deliveries when closed
   * @throws LockException when the watch cannot be started, for example when its anchor read fails
   *     or the store does not confirm the watch within the lock's timeout
   *     ({@link TransientLockException} when that may pass)
   */
  RecordWatch watch(Consumer<ObservedRecord> listener) throws LockException;

  /** A running watch; closing it stops the deliveries. */
  interface RecordWatch extends AutoCloseable {
    /** Stops the deliveries. Never throws. */
    @Override
    void close();
  }
}
