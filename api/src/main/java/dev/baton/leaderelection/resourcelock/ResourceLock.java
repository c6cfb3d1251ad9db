package dev.baton.leaderelection.resourcelock;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.apiguardian.api.API;

/**
 * A lock that stores one {@link LeaderElectionRecord} in a coordination store (client-go's
 * {@code resourcelock.Interface}). The elector is its only intended caller.
 *
 * <p>Rules every implementation keeps (the conformance kit in {@code baton-testkit} checks each):
 * <ul>
 *   <li>{@link #create} fails with {@link RecordAlreadyExistsException} when a record exists.</li>
 *   <li>{@link #update} is compare-and-set against the version this instance last read or wrote;
 *       a lost race is an {@link UpdateConflictException}; calling it before any {@link #get} or
 *       {@link #create} is an {@link IllegalStateException}.</li>
 *   <li>{@link #get} returns the raw bytes that were stored; two reads of an unchanged record give
 *       equal bytes. A missing record is a {@link RecordNotFoundException}.</li>
 *   <li>A record that cannot be parsed is a {@link CorruptRecordException} naming the lock and the
 *       key; the stored bytes are never overwritten because of it.</li>
 *   <li>Every call is bounded by the client timeout the lock was created with
 *       ({@link ResourceLockOptions#clientTimeout()}); a call that cannot reach the store ends in a
 *       {@link TransientLockException}, never in a hang.</li>
 * </ul>
 *
 * <p>An instance belongs to one candidate. Its calls may come from different threads one after the
 * other, so an implementation must publish its cached version safely (for example by
 * synchronising), but it need not support concurrent calls on one instance.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface ResourceLock {

  /**
   * Reads the record (client-go's {@code Get}) and remembers its version for the next
   * {@link #update}.
   *
   * @return the record with the raw bytes it was decoded from
   * @throws RecordNotFoundException when no record is stored
   * @throws CorruptRecordException when the stored bytes are not a valid record
   * @throws TransientLockException when the store cannot be reached in time
   * @throws LockException for any other failure of the store
   */
  ObservedRecord get() throws LockException;

  /**
   * Creates the record when none exists (client-go's {@code Create}) and remembers the version
   * written.
   *
   * @param record the record to store
   * @throws RecordAlreadyExistsException when a record is already stored
   * @throws TransientLockException when the store cannot be reached in time
   * @throws LockException for any other failure of the store
   */
  void create(LeaderElectionRecord record) throws LockException;

  /**
   * Replaces the record if it is still the version this instance last read or wrote (client-go's
   * {@code Update}), and remembers the version written.
   *
   * @param record the record to store
   * @throws IllegalStateException when neither {@link #get} nor {@link #create} succeeded before
   * @throws UpdateConflictException when the stored record changed or disappeared since
   * @throws TransientLockException when the store cannot be reached in time
   * @throws LockException for any other failure of the store
   */
  void update(LeaderElectionRecord record) throws LockException;

  /**
   * Records an event about this lock through the configured {@link EventRecorder}, as
   * {@code "<identity> <message>"} (client-go's {@code RecordEvent}). Never throws.
   *
   * @param message what happened, such as {@code "became leader"}
   */
  void recordEvent(String message);

  /** The identity of this candidate, from its {@link ResourceLockConfig}. */
  String identity();

  /** The lock's location, {@code namespace/name}, plus a backend hint where useful. */
  String describe();

  /**
   * The store's version of the record as this instance last read or wrote it, when the store has
   * one that strictly increases with every write (an etcd mod revision, a ZooKeeper zxid, a
   * numeric Kubernetes resourceVersion). Used to derive fencing tokens.
   *
   * @return the version, or empty when the store has none or nothing was read or written yet
   */
  default OptionalLong revision() {
    return OptionalLong.empty();
  }

  /**
   * The bound of each call this lock makes to its store: a call that gets no answer ends in a
   * {@link TransientLockException} after at most this long. A lock built by
   * {@link ResourceLocks#newLock} has {@link ResourceLockOptions#clientTimeout()}, which derives
   * from the renew deadline in its options. The elector warns when it is not below its own
   * renewDeadline, since one hung call would then use up a whole renewal.
   *
   * @return the timeout, or empty (the default) when calls cannot hang or the lock cannot tell
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  default Optional<Duration> clientTimeout() {
    return Optional.empty();
  }
}
