package dev.baton.lock.inmemory;

import dev.baton.leaderelection.resourcelock.AbstractResourceLock;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.RecordAlreadyExistsException;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.UpdateConflictException;
import java.util.Objects;
import java.util.OptionalLong;
import org.apiguardian.api.API;

/**
 * The reference lock: a record kept in an {@link InMemoryLockStore}, with exactly the rules a
 * real backend keeps (compare-and-set on the store revision this instance last saw, raw bytes
 * returned unchanged, corrupt records reported and left alone). It passes the whole conformance
 * kit and lets users test their own leader code without a server.
 *
 * <p>It is written on {@link AbstractResourceLock} as any backend is, with the store's revision
 * as its version; it has no client timeout ({@link #clientTimeout()} is empty), since its calls
 * never block. This class does not offer the watch capability, so an elector on it polls as
 * client-go does; {@link WatchableInMemoryResourceLock} adds it. Lock type {@code inmemory} through
 * {@link dev.baton.leaderelection.resourcelock.ResourceLocks#newLock} (see
 * {@link InMemoryResourceLockProvider}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public class InMemoryResourceLock extends AbstractResourceLock<Long> {

  private final InMemoryLockStore store;

  /**
   * A lock on {@code namespace/name} in {@code store}.
   *
   * @param store where the record lives; share it between candidates
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @param config this candidate's identity and event recorder
   */
  public InMemoryResourceLock(InMemoryLockStore store, String namespace, String name, ResourceLockConfig config) {
    // No client timeout: the store answers in this thread and never blocks. No client to close.
    super(requireText(namespace, "namespace"), requireText(name, "name"), config, null, null);
    this.store = Objects.requireNonNull(store, "store");
  }

  private static String requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("The in-memory lock's " + what + " must not be empty; got '" + value + "'");
    }
    return value;
  }

  @Override
  public synchronized ObservedRecord get() throws LockException {
    InMemoryLockStore.StoredRecord stored = store.read(namespace(), name())
        .orElseThrow(() -> new RecordNotFoundException(describe(), null));
    return observe(stored.raw(), stored.revision());
  }

  @Override
  public synchronized void create(LeaderElectionRecord record) throws LockException {
    Objects.requireNonNull(record, "record");
    InMemoryLockStore.StoredRecord created = store.createIfAbsent(namespace(), name(),
        LeaderElectionRecordCodec.encode(record)).orElseThrow(() -> new RecordAlreadyExistsException(describe(), null));
    remember(created.revision());
  }

  @Override
  public synchronized void update(LeaderElectionRecord record) throws LockException {
    Objects.requireNonNull(record, "record");
    long expected = expectedVersion();
    InMemoryLockStore.StoredRecord written = store.compareAndSet(namespace(), name(), expected,
        LeaderElectionRecordCodec.encode(record)).orElseThrow(() -> new UpdateConflictException(describe(),
            "the record is no longer at revision " + expected, null));
    remember(written.revision());
  }

  /** The store's revision: store-wide, so it strictly increases with every write of the record. */
  @Override
  protected OptionalLong revisionOf(Long storedVersion) {
    return OptionalLong.of(storedVersion);
  }

  /** The store this lock keeps its record in. */
  public InMemoryLockStore store() {
    return store;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + describe() + " in " + store.name() + ", identity=" + identity() + "}";
  }
}
