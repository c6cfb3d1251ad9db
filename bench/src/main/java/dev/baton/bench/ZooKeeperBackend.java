package dev.baton.bench;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.lock.zookeeper.ZooKeeperLock;
import dev.baton.lock.zookeeper.ZooKeeperLockSettings;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.Stat;
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
    // wchs tells the watch count at the end of a scale run.
    System.setProperty("zookeeper.4lw.commands.whitelist", "wchs,cons,srvr");
    server = new TestingServer(true);
    timeout = ResourceLockOptions.clientTimeoutFor(timings.renew());
  }

  private CuratorFramework newClient() {
    // As every client the provider builds: ZooKeeper's request timeout equal to the lock's call timeout,
    // so the lock's get and update are synchronous calls (ZooKeeperLock's fast path).
    ZKClientConfig config = new ZKClientConfig();
    config.setProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, Long.toString(timeout.toMillis()));
    CuratorFramework c = CuratorFrameworkFactory.builder().connectString(server.getConnectString())
        .sessionTimeoutMs(30_000).connectionTimeoutMs(5_000).retryPolicy(new RetryOneTime(50)).zkClientConfig(config)
        .build();
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
  public RawStore rawStore() {
    CuratorFramework client = newClient();
    return new RawStore() {
      private String[] paths;
      private int[] versions;

      @Override
      public void prepare(int count) throws Exception {
        client.blockUntilConnected(10, TimeUnit.SECONDS);
        ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
        paths = new String[count];
        versions = new int[count];
        if (client.checkExists().forPath("/bench-raw") == null) {
          client.create().forPath("/bench-raw");
        }
        for (int i = 0; i < count; i++) {
          paths[i] = "/bench-raw/k" + i;
          Stat stat = zk.exists(paths[i], false);
          if (stat == null) {
            zk.create(paths[i], VALUE, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            stat = zk.exists(paths[i], false);
          }
          versions[i] = stat.getVersion();
        }
      }

      @Override
      public void write(int key) throws Exception {
        versions[key] = client.getZookeeperClient().getZooKeeper().setData(paths[key], VALUE, versions[key]).getVersion();
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }

  /** The server's own count of watches (four-letter word wchs) and this JVM's connections to it. */
  @Override
  public String openResources() {
    return Resources.zooKeeperWatches(server.getPort()) + "; " + Resources.connectionsTo("127.0.0.1:" + server.getPort());
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
