package dev.baton.leaderelection;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.RecordAlreadyExistsException;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import dev.baton.leaderelection.resourcelock.UpdateConflictException;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The one record the candidates of an elector test share, written as the codec writes it (so times
 * keep whole seconds, as in every real store). Each candidate gets its own {@link Lock}: it
 * compares-and-sets against the store-wide revision it last read or wrote, may watch the record, and
 * can be told to fail, to stop answering, or to refuse a kind of call, counting every call it gets.
 * The store notes the name of every thread that called one of its locks, for the runtime's tests.
 */
final class SharedRecordStore {
  static final String DESCRIPTION = "default/election";

  /** The calls a lock counts and can refuse. */
  enum Call { GET, CREATE, UPDATE, WATCH }

  /** How a lock's connection to the store behaves. */
  enum Mode {
    /** Calls reach the store. */
    PASS,
    /** Calls fail at once with a transient error, reaching nothing. */
    FAIL,
    /** Calls never answer: on {@link VirtualTime}, the caller times out at its deadline. */
    HANG
  }

  private byte[] stored;
  private long revision;
  private final List<Consumer<ObservedRecord>> watchers = new ArrayList<>();
  private final Set<String> callingThreads = ConcurrentHashMap.newKeySet();

  /** A lock of candidate {@code identity}, without the watch capability. */
  Lock lock(String identity) {
    return new Lock(ResourceLockConfig.of(identity));
  }

  /** A lock with a given configuration (an event recorder, say), without the watch capability. */
  Lock lock(ResourceLockConfig config) {
    return new Lock(config);
  }

  /** A lock of candidate {@code identity} that can watch the record. */
  WatchingLock watchingLock(String identity) {
    return new WatchingLock(ResourceLockConfig.of(identity));
  }

  /** The names of the threads that called this store's locks, failed and unanswered calls included. */
  Set<String> callingThreads() {
    return Set.copyOf(callingThreads);
  }

  /** The record stored now, read around every lock. */
  synchronized LeaderElectionRecord record() throws LockException {
    if (stored == null) {
      throw new RecordNotFoundException(DESCRIPTION, null);
    }
    return LeaderElectionRecordCodec.decode(stored, DESCRIPTION).record();
  }

  private synchronized long write(byte[] bytes) throws LockException {
    stored = bytes;
    revision++;
    ObservedRecord change = LeaderElectionRecordCodec.decode(bytes, DESCRIPTION);
    for (Consumer<ObservedRecord> watcher : watchers) {
      watcher.accept(change);
    }
    return revision;
  }

  /** One candidate's connection to the store. */
  class Lock implements ResourceLock {
    private final ResourceLockConfig config;
    private final Map<Call, Integer> counts = new EnumMap<>(Call.class);
    private final Map<Call, Integer> refusalsLeft = new EnumMap<>(Call.class);
    private final Map<Call, LockException> refusals = new EnumMap<>(Call.class);
    private volatile Mode mode = Mode.PASS;
    /** The revision update compares against; 0 before a get or create. */
    private long seen;

    Lock(ResourceLockConfig config) {
      this.config = config;
    }

    void setMode(Mode newMode) {
      mode = newMode;
    }

    /** Fails the next {@code times} calls of {@code call} with {@code failure}, before the mode applies. */
    synchronized void refuse(Call call, int times, LockException failure) {
      refusals.put(call, failure);
      refusalsLeft.put(call, times);
    }

    /** How many {@code call}s this lock got, failed and unanswered ones included. */
    synchronized long calls(Call call) {
      return counts.getOrDefault(call, 0);
    }

    /** Counts the call, then fails it as the mode or a refusal says. */
    protected void enter(Call call) throws LockException {
      callingThreads.add(Thread.currentThread().getName());
      LockException refusal;
      synchronized (this) {
        counts.merge(call, 1, Integer::sum);
        int left = refusalsLeft.getOrDefault(call, 0);
        refusal = left > 0 ? refusals.get(call) : null;
        if (refusal != null) {
          refusalsLeft.put(call, left - 1);
        }
      }
      if (refusal != null) {
        throw refusal;
      }
      switch (mode) {
        case FAIL -> throw new TransientLockException(describe(), "injected failure of " + call, null);
        case HANG -> throw new VirtualTime.NoAnswer();
        default -> { }
      }
    }

    @Override
    public ObservedRecord get() throws LockException {
      enter(Call.GET);
      synchronized (SharedRecordStore.this) {
        if (stored == null) {
          throw new RecordNotFoundException(describe(), null);
        }
        ObservedRecord read = LeaderElectionRecordCodec.decode(stored, describe());
        seen = revision;
        return read;
      }
    }

    @Override
    public void create(LeaderElectionRecord record) throws LockException {
      enter(Call.CREATE);
      synchronized (SharedRecordStore.this) {
        if (stored != null) {
          throw new RecordAlreadyExistsException(describe(), null);
        }
        seen = write(LeaderElectionRecordCodec.encode(record));
      }
    }

    @Override
    public void update(LeaderElectionRecord record) throws LockException {
      enter(Call.UPDATE);
      synchronized (SharedRecordStore.this) {
        if (seen == 0) {
          throw new IllegalStateException("update of " + describe() + " before any get or create");
        }
        if (stored == null || seen != revision) {
          throw new UpdateConflictException(describe(), "revision " + seen + " is no longer current (" + revision + ")",
              null);
        }
        seen = write(LeaderElectionRecordCodec.encode(record));
      }
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
      return DESCRIPTION;
    }

    @Override
    public OptionalLong revision() {
      synchronized (SharedRecordStore.this) {
        return seen == 0 ? OptionalLong.empty() : OptionalLong.of(seen);
      }
    }

    @Override
    public String toString() {
      return identity() + "'s lock on " + DESCRIPTION + " (" + mode + ")";
    }
  }

  /** How many watches are open on this store. */
  synchronized int openWatches() {
    return watchers.size();
  }

  /** A lock that can watch: every later write is delivered, on the writer's thread. */
  final class WatchingLock extends Lock implements WatchableResourceLock {
    WatchingLock(ResourceLockConfig config) {
      super(config);
    }

    @Override
    public RecordWatch watch(Consumer<ObservedRecord> listener) throws LockException {
      enter(Call.WATCH);
      Consumer<ObservedRecord> delivery = listener::accept;
      synchronized (SharedRecordStore.this) {
        watchers.add(delivery);
      }
      return () -> {
        synchronized (SharedRecordStore.this) {
          watchers.remove(delivery);
        }
      };
    }
  }
}
