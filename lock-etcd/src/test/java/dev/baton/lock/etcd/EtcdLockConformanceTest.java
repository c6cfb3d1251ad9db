package dev.baton.lock.etcd;

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
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

/** The whole conformance kit against a real etcd, on real time. */
@DisplayName("etcd lock against a real etcd")
class EtcdLockConformanceTest extends ResourceLockConformanceKit {
  static EtcdServer etcd;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.start();
    // The first call of a cold JVM (gRPC and Netty loading, channel connect) can exceed the 1 s
    // client timeout on 2 cores, and the kit's first-acquisition bound allows no failed attempt.
    etcd.get("/baton/warm-up");
    // An elector's first lock call opens the watch (a read, then the watch stream) before it gets
    // and creates: warm each of those paths too, or on a loaded machine that first call alone
    // (about 0.3 s of it the watch's, cold) can outlast the 1 s timeout.
    try (EtcdLock warm = new EtcdLock(etcd.client(), EtcdLockSettings.DEFAULT_PREFIX, "baton-warm-up", "lock",
        ResourceLockConfig.of("warm-up"), Duration.ofSeconds(10));
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
  static void stopEtcd() {
    etcd.close();
  }

  @Override
  protected String lockType() {
    return "etcd";
  }

  @Override
  protected ResourceLock newLock(String namespace, String name, String identity) {
    return new EtcdLock(etcd.client(), EtcdLockSettings.DEFAULT_PREFIX, namespace, name, ResourceLockConfig.of(identity),
        Duration.ofSeconds(1));
  }

  @Override
  protected void plantRawRecord(String namespace, String name, byte[] raw) throws Exception {
    etcd.put(EtcdLock.key(EtcdLockSettings.DEFAULT_PREFIX, namespace, name), raw);
  }

  @Override
  protected Optional<byte[]> storedRawRecord(String namespace, String name) throws Exception {
    return etcd.get(EtcdLock.key(EtcdLockSettings.DEFAULT_PREFIX, namespace, name));
  }

  @Override
  protected void deleteRecord(String namespace, String name) throws Exception {
    etcd.client().getKVClient().delete(EtcdServer.bytes(EtcdLock.key(EtcdLockSettings.DEFAULT_PREFIX, namespace, name)))
        .get(10, TimeUnit.SECONDS);
  }

  /** The provider's own client (timeout from the options) through a proxy in front of the first endpoint. */
  @Override
  protected StoreStall newStoreStall() {
    URI first = URI.create(etcd.endpoints().split(",")[0].trim());
    return StoreStall.throughProxy(lockType(), new InetSocketAddress(first.getHost(), first.getPort()),
        via -> ResourceLockOptions.builder()
            .setting(EtcdLockSettings.ENDPOINTS, first.getScheme() + "://127.0.0.1:" + via.getPort()).build());
  }

  @Override
  protected Set<LockCapability> capabilities() {
    return Set.of(LockCapability.WATCH, LockCapability.REVISION, LockCapability.RAW_RECORD,
        LockCapability.DELETE_RECORD, LockCapability.STALL);
  }

  @Override
  protected ResourceLockOptions lockOptions() {
    return ResourceLockOptions.builder().setting(EtcdLockSettings.ENDPOINTS, etcd.endpoints()).build();
  }
}
