package dev.baton.leaderelection;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.RecordAlreadyExistsException;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.UpdateConflictException;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A store of records in memory and locks on it, with a real backend's rules (compare-and-set on
 * the revision the lock instance last saw, stored bytes returned unchanged), for the runtime's
 * tests: {@code api} cannot use {@code lock-inmemory}, which depends on it.
 */
final class RuntimeTestLocks {
  private record Stored(byte[] raw, long revision) {
  }

  private final Map<String, Stored> records = new HashMap<>();
  private long revision;
  private final Set<String> callingThreads = ConcurrentHashMap.newKeySet();

  /** The names of the threads that called get, create or update on this store's locks. */
  Set<String> callingThreads() {
    return Set.copyOf(callingThreads);
  }

  /** A lock on {@code name} in this store for candidate {@code identity}. */
  ResourceLock lock(String name, String identity) {
    return new Lock(name, identity);
  }

  private synchronized Stored read(String name) {
    callingThreads.add(Thread.currentThread().getName());
    return records.get(name);
  }

  private synchronized Stored createIfAbsent(String name, byte[] raw) {
    callingThreads.add(Thread.currentThread().getName());
    if (records.containsKey(name)) {
      return null;
    }
    Stored s = new Stored(raw, ++revision);
    records.put(name, s);
    return s;
  }

  private synchronized Stored compareAndSet(String name, long expected, byte[] raw) {
    callingThreads.add(Thread.currentThread().getName());
    Stored current = records.get(name);
    if (current == null || current.revision() != expected) {
      return null;
    }
    Stored s = new Stored(raw, ++revision);
    records.put(name, s);
    return s;
  }

  private final class Lock implements ResourceLock {
    private final String name;
    private final String identity;
    private long lastSeen = -1;

    Lock(String name, String identity) {
      this.name = name;
      this.identity = identity;
    }

    @Override
    public synchronized ObservedRecord get() throws LockException {
      Stored s = read(name);
      if (s == null) {
        throw new RecordNotFoundException(describe(), null);
      }
      ObservedRecord observed = LeaderElectionRecordCodec.decode(s.raw(), describe());
      lastSeen = s.revision();
      return observed;
    }

    @Override
    public synchronized void create(LeaderElectionRecord record) throws LockException {
      Stored s = createIfAbsent(name, LeaderElectionRecordCodec.encode(record));
      if (s == null) {
        throw new RecordAlreadyExistsException(describe(), null);
      }
      lastSeen = s.revision();
    }

    @Override
    public synchronized void update(LeaderElectionRecord record) throws LockException {
      if (lastSeen < 0) {
        throw new IllegalStateException("update() before get() or create() on " + describe());
      }
      Stored s = compareAndSet(name, lastSeen, LeaderElectionRecordCodec.encode(record));
      if (s == null) {
        throw new UpdateConflictException(describe(), "the record is no longer at revision " + lastSeen, null);
      }
      lastSeen = s.revision();
    }

    @Override
    public void recordEvent(String message) {
    }

    @Override
    public String identity() {
      return identity;
    }

    @Override
    public String describe() {
      return "test/" + name;
    }

    @Override
    public synchronized OptionalLong revision() {
      return lastSeen < 0 ? OptionalLong.empty() : OptionalLong.of(lastSeen);
    }
  }
}
