package dev.baton.leaderelection.resourcelock;

import java.util.Set;
import java.util.List;
import java.util.HashSet;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apiguardian.api.API;

/**
 * What every backend writes out once more, written once: a base class for lock authors, so that
 * a backend is a thin translation of {@link #get}, {@link #create} and {@link #update} into its
 * store. It owns:
 * <ul>
 *   <li><b>identity and description</b>: {@link #identity()} is the {@link ResourceLockConfig}'s;
 *       {@link #describe()} is {@code namespace/name}, plus the {@link #backendHint()} in brackets
 *       when the backend gives one;</li>
 *   <li><b>events</b>: {@link #recordEvent} goes through the config's {@link EventRecorder} as
 *       client-go's locks do, about {@link #eventSubject()}, and never throws;</li>
 *   <li><b>the compare-and-set version</b> ({@code V}: a revision, a version number, the store's
 *       object): {@link #observe} decodes what a {@code get} read and remembers its version, or, when
 *       the record is corrupt, forgets it, so that {@link #expectedVersion()} refuses the next
 *       {@code update} instead of overwriting the corrupt bytes; {@link #remember} takes the version
 *       a {@code create} or {@code update} wrote; {@link #revision()} derives from it through
 *       {@link #revisionOf};</li>
 *   <li><b>the client's life</b>: {@link #close()} closes the client only when the lock made it
 *       (given as {@code ownedClient}); a client the caller passed in stays open;</li>
 *   <li><b>the client timeout</b>: {@link #clientTimeout()} reports the bound given at construction,
 *       which the elector compares with its renewDeadline;</li>
 *   <li><b>the watch delivery step</b>, for a backend that also implements
 *       {@link WatchableResourceLock}: {@link #deliveryTo} turns what the store sends (raw bytes, or
 *       its object) into deliveries to a listener, skipping a corrupt record with one log line and
 *       logging a listener that throws without stopping later deliveries.</li>
 * </ul>
 * What differs between stores stays in the subclass: how to read, create and compare-and-set, how
 * to bound each call by {@link #timeout()}, how to translate the store's errors into
 * {@link LockException}s, and how to follow the record for a watch.
 *
 * <p>A lock on a store that keeps a version number with each key (the store's API here stands for
 * yours: {@code read} returns the bytes and version or null, {@code insertIfAbsent} and
 * {@code replaceIfVersion} return the new version or -1, each bounded by the given timeout):
 *
 * <pre>{@code
 * public final class KvLock extends AbstractResourceLock<Long> {
 *   private final KvStore store;
 *   private final String key;
 *
 *   public KvLock(KvStore store, String namespace, String name, ResourceLockConfig config, Duration timeout) {
 *     super(namespace, name, config, timeout, null);   // the caller owns the store's client
 *     this.store = store;
 *     this.key = namespace + "/" + name;
 *   }
 *
 *   public synchronized ObservedRecord get() throws LockException {
 *     KvStore.Entry entry = store.read(key, timeout());
 *     if (entry == null) {
 *       throw new RecordNotFoundException(describe(), null);
 *     }
 *     return observe(entry.bytes(), entry.version());
 *   }
 *
 *   public synchronized void create(LeaderElectionRecord record) throws LockException {
 *     long written = store.insertIfAbsent(key, LeaderElectionRecordCodec.encode(record), timeout());
 *     if (written < 0) {
 *       throw new RecordAlreadyExistsException(describe(), null);
 *     }
 *     remember(written);
 *   }
 *
 *   public synchronized void update(LeaderElectionRecord record) throws LockException {
 *     long expected = expectedVersion();
 *     long written = store.replaceIfVersion(key, expected, LeaderElectionRecordCodec.encode(record), timeout());
 *     if (written < 0) {
 *       throw new UpdateConflictException(describe(), "no longer at version " + expected, null);
 *     }
 *     remember(written);
 *   }
 *
 *   protected OptionalLong revisionOf(Long version) {   // a version that grows with every write
 *     return OptionalLong.of(version);
 *   }
 *
 *   protected String backendHint() {
 *     return "kv key " + key;
 *   }
 * }
 * }</pre>
 * A store's failures (unreachable, timed out) become {@link TransientLockException}s in the
 * subclass; the example leaves them out. Then prove the lock with the conformance kit in
 * {@code baton-testkit}.
 *
 * <p>Thread-safety: the version is guarded by the lock's monitor ({@code this}), so subclasses
 * declare {@code get}, {@code create} and {@code update} {@code synchronized}, as above. The
 * watch delivery step needs no monitor.
 *
 * @param <V> the version the next {@code update} compares against, as the store gives it
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public abstract class AbstractResourceLock<V> implements ResourceLock, AutoCloseable {

  /**
   * Reads the record out of what the store holds or sends: its raw bytes, or an object of the
   * store's (a Kubernetes Lease, say).
   *
   * @param <S> what the store holds
   */
  @FunctionalInterface
  protected interface RecordReader<S> {
    /**
     * Reads the record.
     *
     * @param stored what the store holds; never {@code null}
     * @return the record with its raw bytes
     * @throws CorruptRecordException when {@code stored} does not hold a valid record
     */
    ObservedRecord read(S stored) throws CorruptRecordException;
  }

  /** Logs under the backend's own class, as its other lines do. */
  private final Logger log = LoggerFactory.getLogger(getClass());
  private final String namespace;
  private final String name;
  private final ResourceLockConfig config;
  private final Duration clientTimeout;
  private final AutoCloseable ownedClient;
  private volatile String description;
  /** The version the next update compares against; null when none. Guarded by this. */
  private V version;
  /** Whether the last get found a corrupt record (and no write succeeded since). Guarded by this. */
  private boolean corruptSeen;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * A lock on {@code namespace/name}.
   *
   * @param namespace the lock's namespace, checked by the subclass as its store requires
   * @param name the lock's name, checked by the subclass as its store requires
   * @param config the candidate's identity and event recorder
   * @param clientTimeout the bound of every call to the store ({@link ResourceLockOptions#clientTimeout()}
   *     for a lock a provider builds), or {@code null} when calls cannot hang (an in-process store) or
   *     the bound is not known
   * @param ownedClient the client (or pool) this lock made and must close in {@link #close()}, or
   *     {@code null} when the caller gave it and closes it
   */
  protected AbstractResourceLock(String namespace, String name, ResourceLockConfig config, Duration clientTimeout,
      AutoCloseable ownedClient) {
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.name = Objects.requireNonNull(name, "name");
    this.config = Objects.requireNonNull(config, "config");
    if (clientTimeout != null && (clientTimeout.isZero() || clientTimeout.isNegative())) {
      throw new IllegalArgumentException("the client timeout must be positive, was " + clientTimeout);
    }
    this.clientTimeout = clientTimeout;
    this.ownedClient = ownedClient;
  }

  // ---- identity, description, events -------------------------------------------------------------

  /** The lock's namespace. */
  public final String namespace() {
    return namespace;
  }

  /** The lock's name. */
  public final String name() {
    return name;
  }

  /** The candidate's identity and event recorder. */
  protected final ResourceLockConfig config() {
    return config;
  }

  /** The identity of the {@link ResourceLockConfig}. */
  @Override
  public final String identity() {
    return config.identity();
  }

  /**
   * {@code namespace/name}, followed by {@code " (" + backendHint() + ")"} when the backend gives a
   * hint.
   */
  @Override
  public final String describe() {
    String d = description;
    if (d == null) {
      String hint = backendHint();
      d = namespace + "/" + name + (hint == null || hint.isEmpty() ? "" : " (" + hint + ")");
      description = d;
    }
    return d;
  }

  /**
   * Where the record lives in the store, for {@link #describe()}: {@code "etcd key /baton/ns/app at
   * host:2379"}, say. Read once, on the first {@code describe()} (so a subclass sets what it needs
   * before it calls {@code describe()} in its constructor); never a secret.
   *
   * @return the hint, or {@code null} (the default) for none
   */
  protected String backendHint() {
    return null;
  }

  /**
   * Records {@code "<identity> <message>"} through the config's {@link EventRecorder}
   * ({@link ResourceLockConfig#recordLeaderEvent}) about {@link #eventSubject()}. Never throws.
   */
  @Override
  public final void recordEvent(String message) {
    config.recordLeaderEvent(eventSubject(), message);
  }

  /**
   * What events are about: {@link #describe()} by default; a backend whose events are attached to
   * an object of its store (client-go's locks attach them to the Lease) returns that object.
   *
   * @return the events' subject
   */
  protected Object eventSubject() {
    return describe();
  }

  /** The bound given at construction; empty when calls cannot hang or the bound is not known. */
  @Override
  public Optional<Duration> clientTimeout() {
    return Optional.ofNullable(clientTimeout);
  }

  /**
   * The bound of every call, for the subclass's calls to its store.
   *
   * @return the client timeout given at construction
   * @throws IllegalStateException when the lock was built without one
   */
  protected final Duration timeout() {
    if (clientTimeout == null) {
      throw new IllegalStateException(describe() + " was built without a client timeout");
    }
    return clientTimeout;
  }

  // ---- the compare-and-set version ---------------------------------------------------------------

  /**
   * Reads what a {@code get} found and remembers its version for the next {@code update}. When it
   * is corrupt the version is forgotten instead, so the corrupt bytes are never overwritten
   * because of this read: {@link #expectedVersion()} refuses until a {@code get} reads a valid
   * record again.
   *
   * @param stored what the store holds
   * @param reader reads the record out of it
   * @param storedVersion the version it was read at
   * @param <S> what the store holds
   * @return the record with its raw bytes
   * @throws CorruptRecordException when {@code stored} does not hold a valid record
   */
  protected final synchronized <S> ObservedRecord observe(S stored, RecordReader<? super S> reader, V storedVersion)
      throws CorruptRecordException {
    Objects.requireNonNull(storedVersion, "storedVersion");
    ObservedRecord observed;
    try {
      observed = reader.read(stored);
    } catch (CorruptRecordException e) {
      version = null;
      corruptSeen = true;
      throw e;
    }
    version = storedVersion;
    corruptSeen = false;
    return observed;
  }

  /**
   * {@link #observe(Object, RecordReader, Object)} for raw bytes, read by {@link #decode}.
   *
   * @param raw the stored bytes
   * @param storedVersion the version they were read at
   * @return the record with its raw bytes
   * @throws CorruptRecordException when the bytes are not a valid record
   */
  protected final ObservedRecord observe(byte[] raw, V storedVersion) throws CorruptRecordException {
    return observe(raw, this::decode, storedVersion);
  }

  /**
   * Remembers the version a successful {@code create} or {@code update} wrote.
   *
   * @param writtenVersion the store's version of the record just written
   */
  protected final synchronized void remember(V writtenVersion) {
    version = Objects.requireNonNull(writtenVersion, "writtenVersion");
    corruptSeen = false;
  }

  /**
   * The version this instance last read or wrote, for the compare-and-set of an {@code update}.
   *
   * @return the version
   * @throws IllegalStateException when neither {@code get} nor {@code create} succeeded before
   *     (the contract's "update before get")
   * @throws UpdateConflictException when the last {@code get} found the record corrupt: it is never
   *     overwritten because of that read
   */
  protected final synchronized V expectedVersion() throws UpdateConflictException {
    if (version != null) {
      return version;
    }
    if (corruptSeen) {
      throw new UpdateConflictException(describe(), "the last get() found the stored record corrupt, and Baton never "
          + "overwrites it: repair or delete it, then get() again", null);
    }
    throw new IllegalStateException("update() on " + describe() + " before get() or create(): the lock has no "
        + "version to compare against; call get() first");
  }

  /**
   * The version this instance last read or wrote, without the checks of {@link #expectedVersion()}:
   * for a backend whose version is the store's object (a Kubernetes Lease), to use that object.
   *
   * @return the version, or empty when nothing was read or written yet, or the last get found a
   *     corrupt record
   */
  protected final synchronized Optional<V> lastVersion() {
    return Optional.ofNullable(version);
  }

  /**
   * {@link #revisionOf} the version this instance last read or wrote.
   *
   * @return the revision, or empty when nothing was read or written yet or the store has none
   */
  @Override
  public final synchronized OptionalLong revision() {
    return version == null ? OptionalLong.empty() : revisionOf(version);
  }

  /**
   * The fencing revision a version stands for, when the store's versions strictly increase with
   * every write of the record (see {@link ResourceLock#revision()}).
   *
   * @param storedVersion a version this instance read or wrote
   * @return the revision; empty by default (no fencing revision)
   */
  protected OptionalLong revisionOf(V storedVersion) {
    return OptionalLong.empty();
  }

  /**
   * Decodes stored bytes: the client-go JSON encoding by default
   * ({@link LeaderElectionRecordCodec#decode}, naming this lock in a corrupt record's message).
   *
   * @param raw the stored bytes
   * @return the record with the bytes
   * @throws CorruptRecordException when the bytes are not a valid record
   */
  protected ObservedRecord decode(byte[] raw) throws CorruptRecordException {
    return LeaderElectionRecordCodec.decode(raw, describe());
  }

  // ---- the watch delivery step -------------------------------------------------------------------

  /**
   * The delivery step of a watch that receives raw bytes: see {@link #deliveryTo(Consumer, RecordReader)};
   * bytes are read by {@link #decode}.
   *
   * @param listener the watch's listener
   * @return accepts the stored bytes of each change, {@code null} when the record was deleted
   */
  protected final Consumer<byte[]> deliveryTo(Consumer<? super ObservedRecord> listener) {
    return deliveryTo(listener, this::decode);
  }

  /**
   * The delivery step of a watch ({@link WatchableResourceLock#watch}): what it accepts is read by
   * {@code reader} and passed to {@code listener}, {@code null} (the record was deleted) as
   * {@code null}. A corrupt record is not delivered (one debug line says so); a listener that throws
   * (anything but a {@link VirtualMachineError}) is logged as a warning, and later changes are still
   * delivered, to it and to the other listeners of a shared watch. The caller keeps the order of
   * deliveries and calls it from one thread at a time.
   *
   * @param listener the watch's listener
   * @param reader reads the record out of what the store sends
   * @param <S> what the store sends
   * @return accepts each change
   */
  protected final <S> Consumer<S> deliveryTo(Consumer<? super ObservedRecord> listener, RecordReader<? super S> reader) {
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(reader, "reader");
    return stored -> {
      ObservedRecord change;
      try {
        change = stored == null ? null : reader.read(stored);
      } catch (CorruptRecordException corrupt) {
        log.debug("{}: not delivering a corrupt record: {}", describe(), corrupt.getMessage());
        return;
      }
      try {
        listener.accept(change);
      } catch (VirtualMachineError fatal) {
        throw fatal;
      } catch (Throwable e) {
        // An Error too (an assertion in a listener, say): on a shared watch, letting it escape would
        // cost the other locks of the connection their deliveries.
        log.warn("{}: watch listener failed: {}", describe(), e.toString());
      }
    };
  }

  // ---- the client's life -------------------------------------------------------------------------

  /** This lock's open watches, closed with it. Guarded by itself. */
  private final Set<WatchableResourceLock.RecordWatch> openWatches = new HashSet<>();
  /** Whether {@link #close()} began; guarded by {@link #openWatches}. */
  private boolean watchesClosed;

  /**
   * Ties a watch this lock opened to the lock's life: {@link #close()} closes it (and never a watch
   * of another lock on the same client), and closing the returned handle closes the watch and
   * forgets it. A backend's {@code watch} returns what this returns.
   *
   * @param watch the watch just opened
   * @return the handle to give the caller
   * @throws LockException when this lock is already closed (the watch is closed then)
   */
  protected final WatchableResourceLock.RecordWatch closedWithLock(WatchableResourceLock.RecordWatch watch)
      throws LockException {
    Objects.requireNonNull(watch, "watch");
    synchronized (openWatches) {
      if (watchesClosed) {
        watch.close();
        throw new LockException(describe(), "the lock is closed", null);
      }
      openWatches.add(watch);
    }
    return () -> {
      synchronized (openWatches) {
        openWatches.remove(watch);
      }
      watch.close();
    };
  }

  /**
   * Closes this lock's open watches (those {@link #closedWithLock} tracks), then the client this
   * lock made (the {@code ownedClient} given at construction), once; a client the caller gave stays
   * open. A failure to close is logged, not thrown. Subclasses that hold more (a watch thread, say)
   * override this and call {@code super.close()}.
   */
  @Override
  public void close() {
    List<WatchableResourceLock.RecordWatch> open;
    synchronized (openWatches) {
      watchesClosed = true;
      open = new ArrayList<>(openWatches);
      openWatches.clear();
    }
    open.forEach(WatchableResourceLock.RecordWatch::close);
    if (ownedClient == null || !closed.compareAndSet(false, true)) {
      return;
    }
    try {
      ownedClient.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.debug("{}: interrupted while closing its client", describe());
    } catch (Exception e) {
      log.debug("{}: closing its client failed: {}", describe(), e.toString());
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + describe() + ", identity=" + identity() + "}";
  }
}
