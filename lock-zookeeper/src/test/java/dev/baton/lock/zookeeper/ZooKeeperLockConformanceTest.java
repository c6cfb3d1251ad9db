package dev.baton.lock.zookeeper;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import dev.baton.testkit.LockCapability;
import dev.baton.testkit.ResourceLockConformanceKit;
import dev.baton.testkit.StoreStall;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

/** The whole conformance kit against a real ZooKeeper server, on real time. */
@DisplayName("ZooKeeper lock against a real ZooKeeper")
class ZooKeeperLockConformanceTest extends ResourceLockConformanceKit {
  static ZooKeeperServer zookeeper;

  @BeforeAll
  static void startZooKeeper() throws Exception {
    zookeeper = ZooKeeperServer.start();
    // An elector's first lock call opens the watch (the namespace's shared watch, waiting for its registration and anchor read) before
    // it gets and creates. In a cold JVM on a loaded 2-core machine that call can outlast the kit's 1 s
    // timeout, and the kit's first-acquisition bound allows no failed attempt: warm those paths first.
    try (ZooKeeperLock warm = new ZooKeeperLock(zookeeper.client(), ZooKeeperLockSettings.DEFAULT_ROOT,
        "baton-warm-up", "lock", ResourceLockConfig.of("warm-up"), Duration.ofSeconds(10));
        WatchableResourceLock.RecordWatch watch = warm.watch(r -> { })) {
      LeaderElectionRecord record = LeaderElectionRecord.of("warm-up", 15, Instant.now(), Instant.now(), 0);
      try {
        warm.get();
      } catch (RecordNotFoundException absent) {
        warm.create(record);
      }
      warm.update(record);
    }
  }

  @AfterAll
  static void stopZooKeeper() throws Exception {
    zookeeper.close();
  }

  @Override
  protected String lockType() {
    return "zookeeper";
  }

  @Override
  protected ResourceLock newLock(String namespace, String name, String identity) {
    return new ZooKeeperLock(zookeeper.client(), ZooKeeperLockSettings.DEFAULT_ROOT, namespace, name,
        ResourceLockConfig.of(identity), Duration.ofSeconds(1));
  }

  @Override
  protected void plantRawRecord(String namespace, String name, byte[] raw) throws Exception {
    zookeeper.put(ZooKeeperLock.path(ZooKeeperLockSettings.DEFAULT_ROOT, namespace, name), raw);
  }

  @Override
  protected Optional<byte[]> storedRawRecord(String namespace, String name) throws Exception {
    return zookeeper.get(ZooKeeperLock.path(ZooKeeperLockSettings.DEFAULT_ROOT, namespace, name));
  }

  @Override
  protected void deleteRecord(String namespace, String name) throws Exception {
    zookeeper.client().delete().forPath(ZooKeeperLock.path(ZooKeeperLockSettings.DEFAULT_ROOT, namespace, name));
  }

  /** The provider's own client (timeout from the options) through a proxy in front of the first server. */
  @Override
  protected StoreStall newStoreStall() {
    return StoreStall.throughProxy(lockType(), new InetSocketAddress(zookeeper.host(), zookeeper.port()),
        via -> ResourceLockOptions.builder().setting(ZooKeeperLockSettings.CONNECT, "127.0.0.1:" + via.getPort()).build());
  }

  @Override
  protected Set<LockCapability> capabilities() {
    return Set.of(LockCapability.WATCH, LockCapability.REVISION, LockCapability.RAW_RECORD,
        LockCapability.DELETE_RECORD, LockCapability.STALL);
  }

  @Override
  protected ResourceLockOptions lockOptions() {
    return ResourceLockOptions.builder().setting(ZooKeeperLockSettings.CONNECT, zookeeper.connect()).build();
  }
}
