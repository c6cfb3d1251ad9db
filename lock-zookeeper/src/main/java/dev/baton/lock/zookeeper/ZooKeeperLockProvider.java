package dev.baton.lock.zookeeper;

import com.google.auto.service.AutoService;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockProvider;
import dev.baton.leaderelection.resourcelock.ResourceLockRequest;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.apiguardian.api.API;

/**
 * Serves lock type {@code zookeeper}. With a ready-made {@link CuratorFramework} in the options the
 * lock uses it (started) and leaves it open; otherwise it builds one from the settings
 * ({@link ZooKeeperLockSettings}) and closes it with the lock. With {@code zookeeper.digest} the
 * record node, and the namespace node when the lock creates it, get ACLs that let only holders of
 * those credentials write or delete the record (anyone may read it). A ready-made client must itself
 * authenticate with those credentials; the provider only sets the ACLs for it.
 */
@AutoService(ResourceLockProvider.class)
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class ZooKeeperLockProvider implements ResourceLockProvider {

  @Override
  public String lockType() {
    return ResourceLocks.ZOOKEEPER;
  }

  @Override
  public Optional<Set<String>> settingKeys(ResourceLockRequest request) {
    return Optional.of(ZooKeeperLockSettings.KEYS);
  }

  @Override
  public ResourceLock create(ResourceLockRequest request) throws LockException {
    Optional<CuratorFramework> given = request.client(CuratorFramework.class);
    ZooKeeperLockSettings settings = ZooKeeperLockSettings.from(request.options(), given.isEmpty());
    List<ACL> acl = recordAcl(settings, request.toString());
    if (given.isPresent()) {
      return new ZooKeeperLock(given.get(), false, settings.root(), request.namespace(), request.name(), request.config(),
          settings.timeout(), acl, "the given client");
    }
    CuratorFramework client = newClient(settings);
    client.start();
    return new ZooKeeperLock(client, true, settings.root(), request.namespace(), request.name(), request.config(),
        settings.timeout(), acl, settings.connect() + settings.chroot().orElse(""));
  }

  /**
   * Builds (but does not start) a Curator client from settings.
   *
   * @param settings the settings
   * @return the client; the caller starts and closes it
   */
  public static CuratorFramework newClient(ZooKeeperLockSettings settings) {
    CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
        .connectString(settings.connect())
        // Curator's namespace is a chroot that it creates when missing (a ZooKeeper chroot must exist).
        .namespace(settings.chroot().map(c -> c.substring(1)).orElse(null))
        .sessionTimeoutMs((int) settings.sessionTimeout().toMillis())
        .connectionTimeoutMs((int) settings.connectionTimeout().toMillis())
        .retryPolicy(new BoundedExponentialBackoffRetry((int) settings.retryBaseSleep().toMillis(),
            (int) Math.max(settings.retryBaseSleep().toMillis(), settings.timeout().toMillis() / 4),
            settings.retryMaxAttempts()));
    settings.digest().ifPresent(d -> b.authorization("digest", d.getBytes(StandardCharsets.UTF_8)));
    // Bounds the client's own synchronous requests too, above all closeSession in close(): without it,
    // closing over a hung connection waits until the client gives the connection up (2/3 of the session).
    ZKClientConfig zk = new ZKClientConfig();
    zk.setProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, Long.toString(settings.timeout().toMillis()));
    b.zkClientConfig(zk);
    return b.build();
  }

  /** With a digest: everything for its holder, read for anyone; without: the open ACL. */
  static List<ACL> recordAcl(ZooKeeperLockSettings settings, String lock) throws LockException {
    if (settings.digest().isEmpty()) {
      return ZooDefs.Ids.OPEN_ACL_UNSAFE;
    }
    try {
      Id owner = new Id("digest", DigestAuthenticationProvider.generateDigest(settings.digest().get()));
      return List.of(new ACL(ZooDefs.Perms.ALL, owner), new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
    } catch (NoSuchAlgorithmException e) {
      throw new LockException(lock, "cannot compute the ZooKeeper digest ACL: " + e.getMessage(), e);
    }
  }
}
