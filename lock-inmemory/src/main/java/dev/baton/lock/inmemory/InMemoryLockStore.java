package dev.baton.lock.inmemory;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apiguardian.api.API;

/**
 * The store behind {@link InMemoryResourceLock}: raw records by {@code namespace/name}, each with
 * a store-wide revision that strictly increases with every write (as etcd's mod revision does).
 *
 * <p>Locks of several candidates share one store to compete; a store can be shared by name
 * ({@link #named(String)}) so that locks created through
 * {@link dev.baton.leaderelection.resourcelock.ResourceLocks#newLock} meet in it. The store counts
 * the reads and writes that reach it, so tests and benchmarks can check request cost.
 *
 * <p>Thread-safe: each compare-and-set is atomic, and listeners see the changes of a record in the
 * order they were made.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class InMemoryLockStore {

  private static final Map<String, InMemoryLockStore> NAMED = new ConcurrentHashMap<>();

  private final String storeName;
  private final Map<String, StoredRecord> records = new ConcurrentHashMap<>();
  private final Map<String, List<Consumer<Optional<StoredRecord>>>> listeners = new ConcurrentHashMap<>();
  private final AtomicLong revision = new AtomicLong();
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();

  /** A new, empty, unnamed store. */
  public InMemoryLockStore() {
    this("anonymous");
  }

  private InMemoryLockStore(String storeName) {
    this.storeName = storeName;
  }

  /**
   * The store shared under {@code name} in this JVM, created empty on first use.
   *
   * @param name the store's name
   * @return the store
   */
  public static InMemoryLockStore named(String name) {
    Objects.requireNonNull(name, "store name");
    return NAMED.computeIfAbsent(name, InMemoryLockStore::new);
  }

  /** The store's name ({@code anonymous} unless obtained through {@link #named(String)}). */
  public String name() {
    return storeName;
  }

  /**
   * One stored record: its raw bytes and the revision of the write that stored them.
   *
   * @param raw the stored bytes (a copy is handed out each time)
   * @param revision the store-wide revision of the write
   */
  public record StoredRecord(byte[] raw, long revision) {
    /** Copies the bytes in. */
    public StoredRecord {
      raw = raw.clone();
    }

    /** A copy of the stored bytes. */
    @Override
    public byte[] raw() {
      return raw.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof StoredRecord s && s.revision == revision && Arrays.equals(s.raw, raw);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(revision) * 31 + Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
      return "StoredRecord{revision=" + revision + ", " + raw.length + " bytes}";
    }
  }

  /**
   * Reads a record; counted as a read.
   *
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @return the record, or empty when none is stored
   */
  public Optional<StoredRecord> read(String namespace, String name) {
    reads.incrementAndGet();
    return Optional.ofNullable(records.get(key(namespace, name)));
  }

  /**
   * Stores a record only when none exists; counted as a write.
   *
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @param raw the bytes to store
   * @return the new record, or empty when one already existed (nothing changed)
   */
  public synchronized Optional<StoredRecord> createIfAbsent(String namespace, String name, byte[] raw) {
    writes.incrementAndGet();
    String key = key(namespace, name);
    StoredRecord[] created = new StoredRecord[1];
    records.computeIfAbsent(key, k -> created[0] = new StoredRecord(raw, revision.incrementAndGet()));
    if (created[0] != null) {
      notifyListeners(key, Optional.of(created[0]));
    }
    return Optional.ofNullable(created[0]);
  }

  /**
   * Replaces a record only if it is still at {@code expectedRevision}; counted as a write.
   *
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @param expectedRevision the revision the caller last saw
   * @param raw the bytes to store
   * @return the new record, or empty when the record changed or disappeared (nothing changed)
   */
  public synchronized Optional<StoredRecord> compareAndSet(String namespace, String name, long expectedRevision, byte[] raw) {
    writes.incrementAndGet();
    String key = key(namespace, name);
    StoredRecord[] written = new StoredRecord[1];
    records.computeIfPresent(key, (k, current) -> {
      if (current.revision() != expectedRevision) {
        return current;
      }
      written[0] = new StoredRecord(raw, revision.incrementAndGet());
      return written[0];
    });
    if (written[0] != null) {
      notifyListeners(key, Optional.of(written[0]));
    }
    return Optional.ofNullable(written[0]);
  }

  /**
   * Stores bytes unconditionally, bypassing every lock (for tests: plant a corrupt or foreign
   * record). Not counted.
   *
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @param raw the bytes to store
   * @return the stored record
   */
  public synchronized StoredRecord plant(String namespace, String name, byte[] raw) {
    String key = key(namespace, name);
    StoredRecord stored = records.compute(key, (k, old) -> new StoredRecord(raw, revision.incrementAndGet()));
    notifyListeners(key, Optional.of(stored));
    return stored;
  }

  /**
   * Deletes a record (for tests). Not counted.
   *
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @return whether a record was deleted
   */
  public synchronized boolean delete(String namespace, String name) {
    String key = key(namespace, name);
    boolean removed = records.remove(key) != null;
    if (removed) {
      notifyListeners(key, Optional.empty());
    }
    return removed;
  }

  /**
   * Peeks at a record without counting a read (for assertions).
   *
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @return the record, or empty
   */
  public Optional<StoredRecord> peek(String namespace, String name) {
    return Optional.ofNullable(records.get(key(namespace, name)));
  }

  /**
   * Calls {@code listener} after every change of one record, with the new record or empty when it
   * was deleted, on the thread that made the change. Registering is atomic with the store's writes:
   * every write either finished (its listeners called) before this registered, or is delivered to
   * {@code listener}.
   *
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @param listener what to call; must return quickly
   * @return an action that removes the listener
   */
  public synchronized Runnable listen(String namespace, String name, Consumer<Optional<StoredRecord>> listener) {
    List<Consumer<Optional<StoredRecord>>> list =
        listeners.computeIfAbsent(key(namespace, name), k -> new CopyOnWriteArrayList<>());
    list.add(listener);
    return () -> list.remove(listener);
  }

  /** Reads that reached the store since it was created or {@link #resetCounts() reset}. */
  public long readCount() {
    return reads.get();
  }

  /** Writes (successful or not) that reached the store since creation or {@link #resetCounts() reset}. */
  public long writeCount() {
    return writes.get();
  }

  /** Sets the read and write counts to zero. */
  public void resetCounts() {
    reads.set(0);
    writes.set(0);
  }

  /** The highest revision written so far (0 for a new store). */
  public long currentRevision() {
    return revision.get();
  }

  private void notifyListeners(String key, Optional<StoredRecord> change) {
    List<Consumer<Optional<StoredRecord>>> list = listeners.get(key);
    if (list != null) {
      for (Consumer<Optional<StoredRecord>> l : list) {
        l.accept(change);
      }
    }
  }

  private static String key(String namespace, String name) {
    return Objects.requireNonNull(namespace, "namespace") + "/" + Objects.requireNonNull(name, "name");
  }

  @Override
  public String toString() {
    return "InMemoryLockStore{" + storeName + ", " + records.size() + " records}";
  }
}
