package dev.baton.testkit;

import dev.baton.leaderelection.resourcelock.CorruptRecordException;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.RecordAlreadyExistsException;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.lock.inmemory.InMemoryResourceLock;
import dev.baton.lock.inmemory.WatchableInMemoryResourceLock;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import dev.baton.leaderelection.resourcelock.UpdateConflictException;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock.RecordWatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Broken variants of the in-memory lock that the kit must reject, each with the mistake a backend
 * author really makes (issue 19). Their kit classes are not named like tests, so Surefire does not
 * run them directly; {@link MutantLocksFailTheKitTest} runs them and expects the failures.
 */
final class MutantLocks {
  private MutantLocks() {
  }

  // ---- the base: the in-memory lock's rules, with the steps a mutant changes open ----------------

  /**
   * The in-memory lock's rules written out on its store (what a backend author writes), with each
   * step a mutant may get wrong open to override. Unchanged, it passes the kit
   * ({@link MutantLocksFailTheKitTest#unbrokenBasePasses}).
   */
  static class StoreLock extends InMemoryResourceLock {

    StoreLock(InMemoryLockStore store, String namespace, String name, ResourceLockConfig config) {
      super(store, namespace, name, config);
    }

    /** The namespace the record is kept under. */
    String storedNamespace() {
      return namespace();
    }

    /** The bytes stored for a record. */
    byte[] toStore(LeaderElectionRecord record) {
      return LeaderElectionRecordCodec.encode(record);
    }

    /** The bytes handed to the codec for stored bytes. */
    byte[] fromStore(byte[] stored) {
      return stored;
    }

    /** Called before every call to the store. */
    void beforeCall(String call) throws LockException {
    }

    @Override
    public synchronized ObservedRecord get() throws LockException {
      beforeCall("get");
      InMemoryLockStore.StoredRecord stored = store().read(storedNamespace(), name())
          .orElseThrow(() -> new RecordNotFoundException(describe(), null));
      return observeStored(stored);
    }

    /** Decodes what a get read and takes its revision as the version, or forgets the version when it is corrupt. */
    ObservedRecord observeStored(InMemoryLockStore.StoredRecord stored) throws CorruptRecordException {
      return observe(fromStore(stored.raw()), stored.revision());
    }

    @Override
    public synchronized void create(LeaderElectionRecord record) throws LockException {
      beforeCall("create");
      remember(store().createIfAbsent(storedNamespace(), name(), toStore(record))
          .orElseThrow(() -> new RecordAlreadyExistsException(describe(), null)).revision());
    }

    @Override
    public synchronized void update(LeaderElectionRecord record) throws LockException {
      beforeCall("update");
      long expected = expectedVersion();
      remember(store().compareAndSet(storedNamespace(), name(), expected, toStore(record))
          .orElseThrow(() -> new UpdateConflictException(describe(), "no longer at revision " + expected, null))
          .revision());
    }
  }

  // ---- the mistakes the kit caught before issue 19 ----------------------------------------------

  /** A lock whose update ignores the version it last saw: last writer wins, no compare-and-set. */
  static final class NoCompareAndSetLock extends StoreLock {
    NoCompareAndSetLock(InMemoryLockStore store, String namespace, String name, ResourceLockConfig config) {
      super(store, namespace, name, config);
    }

    @Override
    public synchronized void update(LeaderElectionRecord record) throws LockException {
      if (revision().isEmpty()) {
        throw new IllegalStateException("update before get");
      }
      remember(store().plant(namespace(), name(), toStore(record)).revision());
    }
  }

  /** A lock whose create overwrites an existing record instead of failing. */
  static final class OverwritingCreateLock extends StoreLock {
    OverwritingCreateLock(InMemoryLockStore store, String namespace, String name, ResourceLockConfig config) {
      super(store, namespace, name, config);
    }

    @Override
    public synchronized void create(LeaderElectionRecord record) throws LockException {
      store().delete(namespace(), name());
      super.create(record);
    }
  }

  // ---- the mistakes of issue 19 -----------------------------------------------------------------

  /** get() returns the record re-encoded, not the bytes the store holds. */
  static final class ReEncodingLock extends StoreLock {
    ReEncodingLock(InMemoryLockStore store, String namespace, String name, ResourceLockConfig config) {
      super(store, namespace, name, config);
    }

    @Override
    public synchronized ObservedRecord get() throws LockException {
      ObservedRecord read = super.get();
      return new ObservedRecord(read.record(), LeaderElectionRecordCodec.encode(read.record()));
    }
  }

  /** Times rounded to the nearest second before they are stored. */
  static final class RoundingTimesLock extends StoreLock {
    RoundingTimesLock(InMemoryLockStore store, String namespace, String name, ResourceLockConfig config) {
      super(store, namespace, name, config);
    }

    @Override
    byte[] toStore(LeaderElectionRecord r) {
      return super.toStore(new LeaderElectionRecord(r.holderIdentity(), r.leaseDurationSeconds(), round(r.acquireTime()),
          round(r.renewTime()), r.leaderTransitions(), r.strategy(), r.preferredHolder()));
    }

    private static Instant round(Instant t) {
      return t == null ? null : Instant.ofEpochSecond(t.getEpochSecond() + (t.getNano() >= 500_000_000 ? 1 : 0));
    }
  }

  /** The namespace left out of the store's key (the kit's plant, read and delete hooks do the same). */
  static final class NamespaceIgnoringLock extends StoreLock {
    static final String SHARED = "shared";

    NamespaceIgnoringLock(InMemoryLockStore store, String namespace, String name, ResourceLockConfig config) {
      super(store, namespace, name, config);
    }

    @Override
    String storedNamespace() {
      return SHARED;
    }
  }

  /** Text stored as Latin-1 (a column with the wrong charset): what is not Latin-1 is lost, the rest stored as Latin-1. */
  static final class Latin1Lock extends StoreLock {
    Latin1Lock(InMemoryLockStore store, String namespace, String name, ResourceLockConfig config) {
      super(store, namespace, name, config);
    }

    @Override
    byte[] toStore(LeaderElectionRecord record) {
      return new String(super.toStore(record), StandardCharsets.UTF_8).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    byte[] fromStore(byte[] stored) {
      return new String(stored, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.UTF_8);
    }
  }

  /** An update that finds the record deleted creates it again instead of reporting a conflict. */
  static final class RecreatingUpdateLock extends StoreLock {
    RecreatingUpdateLock(InMemoryLockStore store, String namespace, String name, ResourceLockConfig config) {
      super(store, namespace, name, config);
    }

    @Override
    public synchronized void update(LeaderElectionRecord record) throws LockException {
      if (revision().isPresent() && store().peek(namespace(), name()).isEmpty()) {
        create(record);
        return;
      }
      super.update(record);
    }
  }

  /** get() takes the version of what it read before decoding it, so a corrupt record's version is kept. */
  static final class CorruptVersionLock extends StoreLock {
    CorruptVersionLock(InMemoryLockStore store, String namespace, String name, ResourceLockConfig config) {
      super(store, namespace, name, config);
    }

    @Override
    ObservedRecord observeStored(InMemoryLockStore.StoredRecord stored) throws CorruptRecordException {
      remember(stored.revision());
      return decode(fromStore(stored.raw()));
    }
  }

  /** A lost compare-and-set reported as a store failure. */
  static final class ConflictAsTransientLock extends StoreLock {
    ConflictAsTransientLock(InMemoryLockStore store, String namespace, String name, ResourceLockConfig config) {
      super(store, namespace, name, config);
    }

    @Override
    public synchronized void update(LeaderElectionRecord record) throws LockException {
      try {
        super.update(record);
      } catch (UpdateConflictException e) {
        throw new TransientLockException(describe(), "the update failed: " + e.getMessage(), e);
      }
    }
  }

  /** Writes always refused by the store: no candidate ever leads (for the report of an elector-group failure). */
  static final class RefusingWritesLock extends StoreLock {
    RefusingWritesLock(InMemoryLockStore store, String namespace, String name, ResourceLockConfig config) {
      super(store, namespace, name, config);
    }

    @Override
    public synchronized void create(LeaderElectionRecord record) throws LockException {
      throw new TransientLockException(describe(), "the store refuses writes", null);
    }
  }

  // ---- a store the kit can stall ----------------------------------------------------------------

  /**
   * An in-memory store the kit can stall ({@link LockCapability#STALL}): after {@link #stall()},
   * every call of its locks waits for an answer that never comes. Its locks give up after
   * {@link #clientTimeout()} with a {@link TransientLockException}, as a lock must; the
   * locks of a {@link TimeoutIgnoringKit} wait until the stall is closed, those of a
   * {@link RenewDeadlineTimeoutKit} twice as long.
   */
  static final class SimulatedStall implements StoreStall {
    private final InMemoryLockStore store;
    private final Duration givesUpAfter;
    private final Object gate = new Object();
    private boolean stalled;

    /** {@code givesUpAfter}: when a stalled call ends; null for never (it waits until the stall is closed). */
    SimulatedStall(InMemoryLockStore store, Duration givesUpAfter) {
      this.store = store;
      this.givesUpAfter = givesUpAfter;
    }

    @Override
    public ResourceLock newLock(String namespace, String name, String identity) {
      return new StallableLock(this, store, namespace, name, ResourceLockConfig.of(identity));
    }

    /** The client timeout the stall's locks are made with. */
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(1);

    @Override
    public Duration clientTimeout() {
      return CLIENT_TIMEOUT;
    }

    @Override
    public void stall() {
      synchronized (gate) {
        stalled = true;
      }
    }

    @Override
    public void close() {
      synchronized (gate) {
        stalled = false;
        gate.notifyAll();
      }
    }

    /** Waits while stalled: at most {@code givesUpAfter}, or until closed when that is null. */
    void await(String call, String lock) throws LockException {
      long deadline = System.nanoTime() + (givesUpAfter == null ? 0 : givesUpAfter.toNanos());
      synchronized (gate) {
        while (stalled) {
          long left = givesUpAfter != null ? deadline - System.nanoTime() : Long.MAX_VALUE;
          if (left <= 0) {
            throw new TransientLockException(lock, "the store did not answer " + call + " within " + givesUpAfter, null);
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(gate, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientLockException(lock, "interrupted while waiting for the store", e);
          }
        }
      }
    }
  }

  /** A lock of a {@link SimulatedStall}: the base lock, each call passing the stall first. */
  static final class StallableLock extends StoreLock {
    private final SimulatedStall stall;

    StallableLock(SimulatedStall stall, InMemoryLockStore store, String namespace, String name, ResourceLockConfig config) {
      super(store, namespace, name, config);
      this.stall = stall;
    }

    @Override
    void beforeCall(String call) throws LockException {
      stall.await(call, describe());
    }
  }

  // ---- the kits ---------------------------------------------------------------------------------

  /**
   * The kit on {@link StoreLock}, on virtual time, with a store the kit can stall; subclasses put a
   * mutant in its place.
   */
  static class BaseKit extends PollingInMemoryLockConformanceTest {
    @Override
    protected ResourceLock newLock(String namespace, String name, String identity) {
      return new StoreLock(store, namespace, name, ResourceLockConfig.of(identity));
    }

    /** When a stalled call of the stall's locks gives up: at their client timeout; null for never. */
    Duration stalledCallsGiveUpAfter() {
      return SimulatedStall.CLIENT_TIMEOUT;
    }

    @Override
    protected StoreStall newStoreStall() {
      return new SimulatedStall(store, stalledCallsGiveUpAfter());
    }

    @Override
    protected Set<LockCapability> capabilities() {
      return Set.of(LockCapability.REVISION, LockCapability.RAW_RECORD, LockCapability.DELETE_RECORD,
          LockCapability.STALL);
    }
  }

  /** The kit on {@link NoCompareAndSetLock}. */
  static class NoCompareAndSetKit extends BaseKit {
    @Override
    protected ResourceLock newLock(String namespace, String name, String identity) {
      return new NoCompareAndSetLock(store, namespace, name, ResourceLockConfig.of(identity));
    }
  }

  /** The kit on {@link OverwritingCreateLock}. */
  static class OverwritingCreateKit extends BaseKit {
    @Override
    protected ResourceLock newLock(String namespace, String name, String identity) {
      return new OverwritingCreateLock(store, namespace, name, ResourceLockConfig.of(identity));
    }
  }

  /** The kit on {@link ReEncodingLock}. */
  static class ReEncodingKit extends BaseKit {
    @Override
    protected ResourceLock newLock(String namespace, String name, String identity) {
      return new ReEncodingLock(store, namespace, name, ResourceLockConfig.of(identity));
    }
  }

  /** The kit on {@link RoundingTimesLock}. */
  static class RoundingTimesKit extends BaseKit {
    @Override
    protected ResourceLock newLock(String namespace, String name, String identity) {
      return new RoundingTimesLock(store, namespace, name, ResourceLockConfig.of(identity));
    }
  }

  /** The kit on {@link NamespaceIgnoringLock}, whose hooks ignore the namespace as its lock does. */
  static class NamespaceIgnoringKit extends BaseKit {
    @Override
    protected ResourceLock newLock(String namespace, String name, String identity) {
      return new NamespaceIgnoringLock(store, namespace, name, ResourceLockConfig.of(identity));
    }

    @Override
    protected void plantRawRecord(String namespace, String name, byte[] raw) {
      store.plant(NamespaceIgnoringLock.SHARED, name, raw);
    }

    @Override
    protected Optional<byte[]> storedRawRecord(String namespace, String name) {
      return store.peek(NamespaceIgnoringLock.SHARED, name).map(InMemoryLockStore.StoredRecord::raw);
    }

    @Override
    protected void deleteRecord(String namespace, String name) {
      store.delete(NamespaceIgnoringLock.SHARED, name);
    }
  }

  /** The kit on {@link Latin1Lock}. */
  static class Latin1Kit extends BaseKit {
    @Override
    protected ResourceLock newLock(String namespace, String name, String identity) {
      return new Latin1Lock(store, namespace, name, ResourceLockConfig.of(identity));
    }
  }

  /** The kit on {@link RecreatingUpdateLock}. */
  static class RecreatingUpdateKit extends BaseKit {
    @Override
    protected ResourceLock newLock(String namespace, String name, String identity) {
      return new RecreatingUpdateLock(store, namespace, name, ResourceLockConfig.of(identity));
    }
  }

  /** The kit on {@link CorruptVersionLock}. */
  static class CorruptVersionKit extends BaseKit {
    @Override
    protected ResourceLock newLock(String namespace, String name, String identity) {
      return new CorruptVersionLock(store, namespace, name, ResourceLockConfig.of(identity));
    }
  }

  /** The kit on {@link ConflictAsTransientLock}. */
  static class ConflictAsTransientKit extends BaseKit {
    @Override
    protected ResourceLock newLock(String namespace, String name, String identity) {
      return new ConflictAsTransientLock(store, namespace, name, ResourceLockConfig.of(identity));
    }
  }

  /** The kit on a store whose stalled calls wait until the stall ends: the calls ignore their timeout. */
  static class TimeoutIgnoringKit extends BaseKit {
    @Override
    Duration stalledCallsGiveUpAfter() {
      return null;
    }
  }

  /**
   * The kit on a store whose stalled calls give up after 1.75 times their client timeout: the lock
   * bounds a call by a connect timeout plus the client timeout (or by most of the renew deadline), so
   * one hung call uses up nearly a whole renewal.
   */
  static class RenewDeadlineTimeoutKit extends BaseKit {
    @Override
    Duration stalledCallsGiveUpAfter() {
      return SimulatedStall.CLIENT_TIMEOUT.multipliedBy(7).dividedBy(4);
    }
  }

  /** The kit on {@link RefusingWritesLock}. */
  static class RefusingWritesKit extends BaseKit {
    @Override
    protected ResourceLock newLock(String namespace, String name, String identity) {
      return new RefusingWritesLock(store, namespace, name, ResourceLockConfig.of(identity));
    }
  }

  // ---- shared watches ----------------------------------------------------------------------------

  /**
   * A watchable lock whose watches of one record share what they deliver from, and whose
   * {@code close()} stops every watch of that record: the shared stream closed by the first
   * subscriber to leave instead of the last (a missing reference count).
   */
  static final class ClosesEveryWatchLock extends WatchableInMemoryResourceLock {
    private final Map<String, List<RecordWatch>> watchesByRecord;

    ClosesEveryWatchLock(InMemoryLockStore store, Map<String, List<RecordWatch>> watchesByRecord, String namespace,
        String name, ResourceLockConfig config) {
      super(store, namespace, name, config);
      this.watchesByRecord = watchesByRecord;
    }

    @Override
    public RecordWatch watch(Consumer<ObservedRecord> listener) {
      List<RecordWatch> shared = watchesByRecord.computeIfAbsent(namespace() + "/" + name(),
          k -> new CopyOnWriteArrayList<>());
      shared.add(super.watch(listener));
      return () -> shared.forEach(RecordWatch::close);
    }
  }

  /**
   * A watchable lock whose watches are dispatched by the record's name alone: a write to
   * {@code other-namespace/n} reaches the watchers of {@code namespace/n} (a shared stream over
   * every namespace, keyed without the namespace).
   */
  static final class NameKeyedWatchLock extends WatchableInMemoryResourceLock {
    private final String otherNamespace;

    NameKeyedWatchLock(InMemoryLockStore store, String namespace, String otherNamespace, String name,
        ResourceLockConfig config) {
      super(store, namespace, name, config);
      this.otherNamespace = otherNamespace;
    }

    @Override
    public RecordWatch watch(Consumer<ObservedRecord> listener) {
      RecordWatch own = super.watch(listener);
      String elsewhere = namespace().equals(otherNamespace) ? otherNamespace.replaceFirst("-2$", "") : otherNamespace;
      RecordWatch crossed = new WatchableInMemoryResourceLock(store(), elsewhere, name(),
          ResourceLockConfig.of(identity())).watch(listener);
      return () -> {
        own.close();
        crossed.close();
      };
    }
  }

  /** The kit on {@link ClosesEveryWatchLock}: watchable, on virtual time. */
  static class ClosesEveryWatchKit extends InMemoryLockConformanceTest {
    private final Map<String, List<RecordWatch>> watches = new ConcurrentHashMap<>();

    @Override
    protected ResourceLock newLock(String namespace, String name, String identity) {
      return new ClosesEveryWatchLock(store, watches, namespace, name, ResourceLockConfig.of(identity));
    }
  }

  /** The kit on {@link NameKeyedWatchLock}: watchable, on virtual time. */
  static class NameKeyedWatchKit extends InMemoryLockConformanceTest {
    @Override
    protected ResourceLock newLock(String namespace, String name, String identity) {
      return new NameKeyedWatchLock(store, namespace, otherNamespace(), name, ResourceLockConfig.of(identity));
    }
  }
}
