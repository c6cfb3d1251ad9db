package dev.baton.leaderelection.resourcelock;

import java.time.Duration;
import java.util.OptionalLong;

/** The example of {@link AbstractResourceLock}'s Javadoc, kept here so that it compiles. */
public final class KvLock extends AbstractResourceLock<Long> {
  private final KvStore store;
  private final String key;

  public KvLock(KvStore store, String namespace, String name, ResourceLockConfig config, Duration timeout) {
    super(namespace, name, config, timeout, null);   // the caller owns the store's client
    this.store = store;
    this.key = namespace + "/" + name;
  }

  @Override
  public synchronized ObservedRecord get() throws LockException {
    KvStore.Entry entry = store.read(key, timeout());
    if (entry == null) {
      throw new RecordNotFoundException(describe(), null);
    }
    return observe(entry.bytes(), entry.version());
  }

  @Override
  public synchronized void create(LeaderElectionRecord record) throws LockException {
    long written = store.insertIfAbsent(key, LeaderElectionRecordCodec.encode(record), timeout());
    if (written < 0) {
      throw new RecordAlreadyExistsException(describe(), null);
    }
    remember(written);
  }

  @Override
  public synchronized void update(LeaderElectionRecord record) throws LockException {
    long expected = expectedVersion();
    long written = store.replaceIfVersion(key, expected, LeaderElectionRecordCodec.encode(record), timeout());
    if (written < 0) {
      throw new UpdateConflictException(describe(), "no longer at version " + expected, null);
    }
    remember(written);
  }

  @Override
  protected OptionalLong revisionOf(Long version) {   // a version that grows with every write
    return OptionalLong.of(version);
  }

  @Override
  protected String backendHint() {
    return "kv key " + key;
  }

  /** The delivery step, for the test (a real backend calls it from its watch). */
  java.util.function.Consumer<byte[]> deliveries(java.util.function.Consumer<ObservedRecord> listener) {
    return deliveryTo(listener);
  }
}
