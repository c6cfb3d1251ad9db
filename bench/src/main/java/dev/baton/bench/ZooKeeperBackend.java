package dev.baton.bench;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.lock.zookeeper.ZooKeeperLock;
import dev.baton.lock.zookeeper.ZooKeeperLockSettings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;

/** A real ZooKeeper server in this JVM (Curator's TestingServer); a client (session) per candidate. */
final class ZooKeeperBackend implements Backend {
  private final TestingServer server;
  private final List<CuratorFramework> clients = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, CuratorFramework> byIdentity = new ConcurrentHashMap<>();
  private final Duration timeout;

  ZooKeeperBackend(Timings timings) throws Exception {
    server = new TestingServer(true);
    timeout = ResourceLockOptions.clientTimeoutFor(timings.renew());
  }

  private CuratorFramework newClient() {
    CuratorFramework c = CuratorFrameworkFactory.newClient(server.getConnectString(), 30_000, 5_000, new RetryOneTime(50));
    c.start();
    clients.add(c);
    return c;
  }

  @Override
  public String name() {
    return "zookeeper";
  }

  @Override
  public ResourceLock newLock(String lockName, String identity) {
    CuratorFramework client = byIdentity.computeIfAbsent(lockName.startsWith("scale-") ? "shared" : identity,
        i -> newClient());
    return new ZooKeeperLock(client, ZooKeeperLockSettings.DEFAULT_ROOT, "bench", lockName, ResourceLockConfig.of(identity),
        timeout);
  }

  @Override
  public boolean watches() {
    return true;
  }

  @Override
  public void close() throws Exception {
    clients.forEach(CuratorFramework::close);
    server.close();
  }
}
