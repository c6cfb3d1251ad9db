package dev.baton.bench.jmh;

import dev.baton.leaderelection.resourcelock.CorruptRecordException;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.lock.inmemory.InMemoryResourceLock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The in-memory lock's get and update against the store calls they wrap: what Baton adds per call
 * (JSON encoding and decoding, bookkeeping) without a network to hide it, and the record's
 * decoding and encoding alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InMemoryLockCallBenchmark {
  private InMemoryLockStore store;
  private InMemoryResourceLock lock;
  private LeaderElectionRecord record;
  private byte[] encoded;
  private long revision;

  /** Creates a store with one record. */
  @Setup
  public void setUp() throws LockException {
    store = new InMemoryLockStore();
    lock = new InMemoryResourceLock(store, "bench", "jmh", ResourceLockConfig.of("me"));
    Instant t = Instant.parse("2030-01-01T00:00:00Z");
    record = LeaderElectionRecord.of("me", 15, t, t, 3);
    encoded = LeaderElectionRecordCodec.encode(record);
    lock.create(record);
    revision = store.peek("bench", "jmh").orElseThrow().revision();
  }

  /** The lock's get: read plus decode. */
  @Benchmark
  public ObservedRecord lockGet() throws LockException {
    return lock.get();
  }

  /** The raw read the lock's get wraps. */
  @Benchmark
  public Optional<InMemoryLockStore.StoredRecord> rawRead() {
    return store.read("bench", "jmh");
  }

  /** The lock's update: encode plus compare-and-set. */
  @Benchmark
  public void lockUpdate() throws LockException {
    lock.update(record);
  }

  /** The raw compare-and-set the lock's update wraps (bytes encoded once, outside). */
  @Benchmark
  public Optional<InMemoryLockStore.StoredRecord> rawCompareAndSet() {
    Optional<InMemoryLockStore.StoredRecord> written = store.compareAndSet("bench", "jmh", revision, encoded);
    revision = written.orElseThrow().revision();
    return written;
  }

  /** The decoding the lock's get adds to the raw read. */
  @Benchmark
  public ObservedRecord codecDecode() throws CorruptRecordException {
    return LeaderElectionRecordCodec.decode(encoded, "bench/jmh");
  }

  /** The encoding the lock's update adds to the raw compare-and-set. */
  @Benchmark
  public byte[] codecEncode() {
    return LeaderElectionRecordCodec.encode(record);
  }
}
