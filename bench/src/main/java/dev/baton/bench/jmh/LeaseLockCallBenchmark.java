package dev.baton.bench.jmh;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.lock.lease.LeaseLock;
import dev.baton.lock.lease.LeaseRecords;
import dev.baton.testsupport.MockApiDispatcher;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** The Lease lock's get and update against the fabric8 calls they wrap, on the CRUD mock API server. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LeaseLockCallBenchmark {
  private KubernetesMockServer server;
  private KubernetesClient client;
  private LeaseLock lock;
  private LeaderElectionRecord record;
  private Lease raw;

  /** Starts the mock API server and creates the Leases. */
  @Setup
  public void setUp() throws Exception {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new MockApiDispatcher(), true);
    server.init();
    client = server.createClient();
    lock = new LeaseLock(client, "jmh", "lock", ResourceLockConfig.of("me"), Map.of());
    record = LeaderElectionRecord.of("me", 15, Instant.parse("2030-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z"), 1);
    lock.create(record);
    raw = client.resource(new LeaseBuilder().withNewMetadata().withNamespace("jmh").withName("raw").endMetadata()
        .withSpec(LeaseRecords.toLeaseSpec(record)).build()).create();
  }

  /** Stops the server. */
  @TearDown
  public void tearDown() {
    client.close();
    server.destroy();
  }

  /** The lock's get. */
  @Benchmark
  public ObservedRecord lockGet() throws LockException {
    return lock.get();
  }

  /** The raw GET of the Lease. */
  @Benchmark
  public Lease rawGet() {
    return client.leases().inNamespace("jmh").withName("raw").get();
  }

  /** The lock's update. */
  @Benchmark
  public void lockUpdate() throws LockException {
    lock.update(record);
  }

  /** The raw PUT of the Lease with its resourceVersion (spec converted once, outside). */
  @Benchmark
  public Lease rawUpdate() {
    raw = client.resource(raw).update();
    return raw;
  }
}
