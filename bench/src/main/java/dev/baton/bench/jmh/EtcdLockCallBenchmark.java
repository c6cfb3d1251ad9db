package dev.baton.bench.jmh;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.lock.etcd.EtcdLock;
import dev.baton.lock.etcd.EtcdLockSettings;
import dev.baton.testkit.fixture.Binaries;
import dev.baton.testkit.fixture.FreePorts;
import dev.baton.testkit.fixture.Readiness;
import dev.baton.testkit.fixture.ServerProcess;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The etcd lock's get and update against the jetcd calls they wrap, on a local etcd.
 *
 * <p>Warm up long: the gRPC, Netty and jetcd code under every call is large, and on two cores the
 * JIT is still compiling it well after five one-second warm-up iterations ({@code -prof comp}
 * showed about 4.6 s of compilation inside the ten measured seconds, for the raw call and the lock
 * alike, with each iteration faster than the one before). The lock's path has more code to
 * compile (the record's JSON and RFC 3339 decoding), so it converges later, which a short warm-up
 * reports as overhead. Thirty iterations bring the compilation inside the measurement under a
 * second; they are the defaults here ({@code -wi} on the command line overrides them).
 * {@link #rawGetDecode} separates decoding, which the lock must do, from the lock's own wrapper.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 30, time = 1)
@Measurement(iterations = 10, time = 1)
public class EtcdLockCallBenchmark {
  private ServerProcess etcd;
  private Client client;
  private EtcdLock lock;
  private LeaderElectionRecord record;
  private ByteSequence key;
  private ByteSequence value;
  private long revision;

  /** Starts etcd and creates the record. */
  @Setup
  public void setUp() throws Exception {
    List<Integer> ports = FreePorts.allocate(2);
    String endpoint = "http://127.0.0.1:" + ports.get(0);
    etcd = ServerProcess.builder("jmh-etcd").command(Binaries.find("etcd").orElseThrow().toString(), "--name", "j",
        "--data-dir", Files.createTempDirectory("jmh-etcd").toString(), "--listen-client-urls", endpoint,
        "--advertise-client-urls", endpoint, "--listen-peer-urls", "http://127.0.0.1:" + ports.get(1),
        "--initial-advertise-peer-urls", "http://127.0.0.1:" + ports.get(1),
        "--initial-cluster", "j=http://127.0.0.1:" + ports.get(1), "--log-level", "error")
        .readiness(Readiness.httpBody(endpoint + "/health", b -> b.contains("\"true\""))).build().start();
    client = Client.builder().endpoints(endpoint).build();
    lock = new EtcdLock(client, EtcdLockSettings.DEFAULT_PREFIX, "jmh", "lock", ResourceLockConfig.of("me"),
        ResourceLockOptions.DEFAULT_CLIENT_TIMEOUT);
    record = LeaderElectionRecord.of("me", 15, Instant.parse("2030-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z"), 1);
    lock.create(record);
    key = ByteSequence.from(EtcdLock.key(EtcdLockSettings.DEFAULT_PREFIX, "jmh", "raw"), StandardCharsets.UTF_8);
    value = ByteSequence.from(LeaderElectionRecordCodec.encode(record));
    revision = client.getKVClient().put(key, value).get().getHeader().getRevision();
  }

  /** Stops etcd. */
  @TearDown
  public void tearDown() {
    client.close();
    etcd.stop();
  }

  /** The lock's get: a range request, decoding and bookkeeping. */
  @Benchmark
  public ObservedRecord lockGet() throws LockException {
    return lock.get();
  }

  /** The raw range request. */
  @Benchmark
  public GetResponse rawGet() throws Exception {
    return client.getKVClient().get(key).get(5, TimeUnit.SECONDS);
  }

  /**
   * The raw range request and what the lock does with its answer besides its own bookkeeping: take
   * the value's bytes and decode the record. {@code lockGet} minus this is the lock's wrapper (the
   * timed wait, the version kept for the next update); this minus {@code rawGet} is decoding.
   */
  @Benchmark
  public ObservedRecord rawGetDecode() throws Exception {
    GetResponse r = client.getKVClient().get(key).get(5, TimeUnit.SECONDS);
    return LeaderElectionRecordCodec.decode(r.getKvs().get(0).getValue().getBytes(), "jmh");
  }

  /** The lock's update: encoding and a compare-and-set transaction. */
  @Benchmark
  public void lockUpdate() throws LockException {
    lock.update(record);
  }

  /** The raw compare-and-set transaction (value encoded once, outside). */
  @Benchmark
  public TxnResponse rawUpdate() throws Exception {
    TxnResponse r = client.getKVClient().txn().If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(revision)))
        .Then(Op.put(key, value, PutOption.DEFAULT)).commit().get(5, TimeUnit.SECONDS);
    revision = r.getHeader().getRevision();
    return r;
  }
}
