package dev.baton.bench.jmh;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.lock.zookeeper.ZooKeeperLock;
import dev.baton.lock.zookeeper.ZooKeeperLockSettings;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.Stat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** The ZooKeeper lock's get and update against the Curator calls they wrap, on an in-process server. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ZooKeeperLockCallBenchmark {
  private TestingServer server;
  private CuratorFramework client;
  private ZooKeeperLock lock;
  private LeaderElectionRecord record;
  private byte[] value;
  private String rawPath;
  private int version;

  /** Starts ZooKeeper and creates the records. */
  @Setup
  public void setUp() throws Exception {
    server = new TestingServer(true);
    // Like every client the provider builds: ZooKeeper's request timeout equal to the lock's call timeout,
    // which bounds synchronous calls (the lock then makes its get and update synchronously, as the raw calls).
    ZKClientConfig config = new ZKClientConfig();
    config.setProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT,
        Long.toString(ResourceLockOptions.DEFAULT_CLIENT_TIMEOUT.toMillis()));
    client = CuratorFrameworkFactory.builder().connectString(server.getConnectString()).sessionTimeoutMs(30_000)
        .connectionTimeoutMs(5_000).retryPolicy(new RetryOneTime(50)).zkClientConfig(config).build();
    client.start();
    client.blockUntilConnected();
    lock = new ZooKeeperLock(client, ZooKeeperLockSettings.DEFAULT_ROOT, "jmh", "lock", ResourceLockConfig.of("me"),
        ResourceLockOptions.DEFAULT_CLIENT_TIMEOUT);
    record = LeaderElectionRecord.of("me", 15, Instant.parse("2030-01-01T00:00:00Z"), Instant.parse("2030-01-01T00:00:00Z"), 1);
    lock.create(record);
    value = LeaderElectionRecordCodec.encode(record);
    rawPath = ZooKeeperLock.path(ZooKeeperLockSettings.DEFAULT_ROOT, "jmh", "raw");
    client.create().creatingParentsIfNeeded().forPath(rawPath, value);
    version = client.checkExists().forPath(rawPath).getVersion();
  }

  /** Stops ZooKeeper. */
  @TearDown
  public void tearDown() throws Exception {
    client.close();
    server.close();
  }

  /** The lock's get. */
  @Benchmark
  public ObservedRecord lockGet() throws LockException {
    return lock.get();
  }

  /** The raw getData. */
  @Benchmark
  public byte[] rawGet() throws Exception {
    return client.getData().storingStatIn(new Stat()).forPath(rawPath);
  }

  /** The lock's update. */
  @Benchmark
  public void lockUpdate() throws LockException {
    lock.update(record);
  }

  /** The raw versioned setData (value encoded once, outside). */
  @Benchmark
  public Stat rawUpdate() throws Exception {
    Stat stat = client.setData().withVersion(version).forPath(rawPath, value);
    version = stat.getVersion();
    return stat;
  }
}
