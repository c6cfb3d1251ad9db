package dev.baton.leaderelection.resourcelock;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store of {@link AbstractResourceLock}'s Javadoc example: keys with bytes and a version that
 * grows with every write of the store. In memory; its calls cannot hang, so the timeouts are unused.
 */
public final class KvStore {
  /** A stored value. */
  public record Entry(byte[] bytes, long version) {
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private long lastVersion;

  /** The entry under {@code key}, or null. */
  public synchronized Entry read(String key, Duration timeout) {
    return entries.get(key);
  }

  /** Stores {@code bytes} when {@code key} is absent: the new version, or -1. */
  public synchronized long insertIfAbsent(String key, byte[] bytes, Duration timeout) {
    if (entries.containsKey(key)) {
      return -1;
    }
    entries.put(key, new Entry(bytes.clone(), ++lastVersion));
    return lastVersion;
  }

  /** Replaces the value when it is still at {@code expected}: the new version, or -1. */
  public synchronized long replaceIfVersion(String key, long expected, byte[] bytes, Duration timeout) {
    Entry current = entries.get(key);
    if (current == null || current.version() != expected) {
      return -1;
    }
    entries.put(key, new Entry(bytes.clone(), ++lastVersion));
    return lastVersion;
  }

  /** Puts bytes around every lock, keeping the version as it is (as an operator's careless write may). */
  synchronized void plantKeepingVersion(String key, byte[] bytes) {
    Entry current = entries.get(key);
    entries.put(key, new Entry(bytes.clone(), current == null ? ++lastVersion : current.version()));
  }

  /** The stored bytes, or null. */
  synchronized byte[] raw(String key) {
    Entry e = entries.get(key);
    return e == null ? null : e.bytes().clone();
  }
}
