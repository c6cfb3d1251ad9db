package dev.baton.lock.etcd;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.testkit.LockCapability;
import dev.baton.testkit.ResourceLockConformanceKit;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

/** The whole conformance kit against a real etcd, on real time. */
@DisplayName("etcd lock against a real etcd")
class EtcdLockConformanceTest extends ResourceLockConformanceKit {
  static EtcdServer etcd;

  @BeforeAll
  static void startEtcd() {
    etcd = EtcdServer.start();
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
  protected Set<LockCapability> capabilities() {
    return Set.of(LockCapability.WATCH, LockCapability.REVISION, LockCapability.RAW_RECORD);
  }

  @Override
  protected ResourceLockOptions lockOptions() {
    return ResourceLockOptions.builder().setting(EtcdLockSettings.ENDPOINTS, etcd.endpoints()).build();
  }
}
