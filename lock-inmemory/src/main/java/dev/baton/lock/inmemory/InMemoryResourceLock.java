package dev.baton.lock.inmemory;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.RecordAlreadyExistsException;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.UpdateConflictException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.apiguardian.api.API;

/**
 * The reference lock: a record kept in an {@link InMemoryLockStore}, with exactly the rules a
 * real backend keeps (compare-and-set on the store revision this instance last saw, raw bytes
 * returned unchanged, corrupt records reported and left alone). It passes the whole conformance
 * kit and lets users test their own leader code without a server.
 *
 * <p>This class does not offer the watch capability, so an elector on it polls as client-go does;
 * {@link WatchableInMemoryResourceLock} adds it. Lock type {@code inmemory} through
 * {@link dev.baton.leaderelection.resourcelock.ResourceLocks#newLock} (see
 * {@link InMemoryResourceLockProvider}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public class InMemoryResourceLock implements ResourceLock {

  private final InMemoryLockStore store;
  private final String namespace;
  private final String name;
  private final ResourceLockConfig config;
  private long lastSeenRevision = -1;

  /**
   * A lock on {@code namespace/name} in {@code store}.
   *
   * @param store where the record lives; share it between candidates
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @param config this candidate's identity and event recorder
   */
  public InMemoryResourceLock(InMemoryLockStore store, String namespace, String name, ResourceLockConfig config) {
    this.store = Objects.requireNonNull(store, "store");
    this.namespace = requireText(namespace, "namespace");
    this.name = requireText(name, "name");
    this.config = Objects.requireNonNull(config, "config");
  }

  private static String requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("The in-memory lock's " + what + " must not be empty; got '" + value + "'");
    }
    return value;
  }

  @Override
  public synchronized ObservedRecord get() throws LockException {
    InMemoryLockStore.StoredRecord stored = store.read(namespace, name)
        .orElseThrow(() -> new RecordNotFoundException(describe(), null));
    ObservedRecord observed = LeaderElectionRecordCodec.decode(stored.raw(), describe());
    lastSeenRevision = stored.revision();
    return observed;
  }

  @Override
  public synchronized void create(LeaderElectionRecord record) throws LockException {
    Objects.requireNonNull(record, "record");
    Optional<InMemoryLockStore.StoredRecord> created =
        store.createIfAbsent(namespace, name, LeaderElectionRecordCodec.encode(record));
    lastSeenRevision = created.orElseThrow(() -> new RecordAlreadyExistsException(describe(), null)).revision();
  }

  @Override
  public synchronized void update(LeaderElectionRecord record) throws LockException {
    Objects.requireNonNull(record, "record");
    if (lastSeenRevision < 0) {
      throw new IllegalStateException("update() on " + describe() + " before get() or create(): the lock has no "
          + "version to compare against; call get() first");
    }
    Optional<InMemoryLockStore.StoredRecord> written =
        store.compareAndSet(namespace, name, lastSeenRevision, LeaderElectionRecordCodec.encode(record));
    lastSeenRevision = written.orElseThrow(() -> new UpdateConflictException(describe(),
        "the record is no longer at revision " + lastSeenRevision, null)).revision();
  }

  @Override
  public void recordEvent(String message) {
    config.recordLeaderEvent(describe(), message);
  }

  @Override
  public String identity() {
    return config.identity();
  }

  @Override
  public String describe() {
    return namespace + "/" + name;
  }

  @Override
  public synchronized OptionalLong revision() {
    return lastSeenRevision < 0 ? OptionalLong.empty() : OptionalLong.of(lastSeenRevision);
  }

  /** The store this lock keeps its record in. */
  public InMemoryLockStore store() {
    return store;
  }

  /** The lock's namespace. */
  public String namespace() {
    return namespace;
  }

  /** The lock's name. */
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + describe() + " in " + store.name() + ", identity=" + identity() + "}";
  }
}
