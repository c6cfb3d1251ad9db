package dev.baton.lock.zookeeper;

import dev.baton.leaderelection.resourcelock.AbstractResourceLock;
import dev.baton.leaderelection.resourcelock.CorruptRecordException;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.RecordAlreadyExistsException;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import dev.baton.leaderelection.resourcelock.UpdateConflictException;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock on ZooKeeper (type {@code zookeeper}): the record's client-go JSON encoding in the
 * persistent znode {@code <root>/<namespace>/<name>}.
 *
 * <ul>
 *   <li>{@link #create} creates the node, and its parents as needed; an existing node is
 *       {@link RecordAlreadyExistsException}. With digest ACLs (see {@link ZooKeeperLockProvider}) the
 *       namespace node {@code <root>/<namespace>} gets the record's ACL when this creates it, because
 *       ZooKeeper checks a delete against the parent's ACL.</li>
 *   <li>{@link #update} is {@code setData} with the node version this instance last read or wrote;
 *       a changed or deleted node is {@link UpdateConflictException}.</li>
 *   <li>{@link #get} returns the stored bytes unchanged; a node that is not a lock record (bytes that
 *       do not decode, or children) is {@link CorruptRecordException}. {@link #revision()} is the node's
 *       modification zxid, which strictly increases with every write in the ensemble (fencing).</li>
 *   <li>{@link #watch} follows the node through one persistent recursive watch per client and
 *       namespace, shared by all locks of the namespace on the client and registered again after
 *       reconnects; it returns once that watch is registered and the node read, so every later write
 *       is delivered (writes close together coalesced into the latest).</li>
 * </ul>
 *
 * <p>The record is persistent, as client-go's: leadership does not depend on the ZooKeeper session,
 * so a connection blip shorter than renewDeadline costs nothing (Curator's {@code LeaderLatch}, by
 * contrast, drops leadership on SUSPENDED). Every call is bounded by the timeout; no ZooKeeper or
 * Curator exception type leaves this class. {@link #close()} closes the client only when the lock
 * built it (through {@link ZooKeeperLockProvider}); a client given to the constructor stays open.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class ZooKeeperLock extends AbstractResourceLock<Stat> implements WatchableResourceLock {
  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperLock.class);

  private final CuratorFramework client;
  private final String path;
  private final String namespacePath;
  private final List<ACL> acl;
  private final String ensemble;
  /** {@link #path} as the server knows it: below the client's namespace (Curator's chroot), if any. */
  private final String serverPath;
  /** The handle {@link #bounded} was computed for (it changes with a new session). Guarded by this. */
  private ZooKeeper boundedChecked;
  /** Whether {@link #boundedChecked}'s requests are bounded by the timeout. Guarded by this. */
  private boolean bounded;

  /**
   * A lock on a started client the caller owns and closes; nodes get the client's default ACL.
   *
   * @param client a started Curator client
   * @param root the root of the lock nodes, such as {@value ZooKeeperLockSettings#DEFAULT_ROOT}
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @param config the candidate's identity and event recorder
   * @param timeout the bound of every call
   */
  public ZooKeeperLock(CuratorFramework client, String root, String namespace, String name, ResourceLockConfig config,
      Duration timeout) {
    this(client, false, root, namespace, name, config, timeout, null, "the given client");
  }

  ZooKeeperLock(CuratorFramework client, boolean ownsClient, String root, String namespace, String name,
      ResourceLockConfig config, Duration timeout, List<ACL> acl, String ensemble) {
    super(segment(namespace, "namespace"), segment(name, "name"), config, Objects.requireNonNull(timeout, "timeout"),
        ownsClient ? Objects.requireNonNull(client, "client") : null);
    this.client = Objects.requireNonNull(client, "client");
    this.path = path(root, namespace, name);
    this.namespacePath = path.substring(0, path.lastIndexOf('/'));
    this.acl = acl == null ? ZooDefs.Ids.OPEN_ACL_UNSAFE : List.copyOf(acl);
    this.ensemble = ensemble;
    this.serverPath = ZKPaths.fixForNamespace(client.getNamespace(), path);
  }

  /**
   * The znode a lock's record is stored in.
   *
   * @param root the root of the lock nodes
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @return {@code <root>/<namespace>/<name>}
   */
  public static String path(String root, String namespace, String name) {
    String r = Objects.requireNonNull(root, "root");
    return (r.endsWith("/") ? r : r + "/") + segment(namespace, "namespace") + "/" + segment(name, "name");
  }

  private static String segment(String value, String what) {
    if (value == null || value.isBlank() || value.contains("/") || value.equals(".") || value.equals("..")) {
      throw new IllegalArgumentException("the ZooKeeper lock's " + what + " must be non-empty, not '.' or '..', and "
          + "contain no '/'; got '" + value + "'");
    }
    return value;
  }

  @Override
  public synchronized ObservedRecord get() throws LockException {
    ZooKeeper zk = boundedHandle();
    if (zk != null) {
      Stat stat = new Stat();
      byte[] data;
      try {
        data = zk.getData(serverPath, false, stat);
      } catch (KeeperException.NoNodeException e) {
        throw new RecordNotFoundException(describe(), null);
      } catch (KeeperException e) {
        throw failure(e.code(), "get", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TransientLockException(describe(), "interrupted during the get on ZooKeeper", e);
      }
      return observe(new Node(data, stat), this::read, stat);
    }
    CuratorEvent event = call("get", cb -> client.getData().inBackground(cb).forPath(path), deadline());
    if (event.getResultCode() == KeeperException.Code.NONODE.intValue()) {
      throw new RecordNotFoundException(describe(), null);
    }
    check(event, "get");
    return observe(new Node(event.getData(), stat(event)), this::read, stat(event));
  }

  /** A read node's bytes and stat. */
  private record Node(byte[] data, Stat stat) { }

  /** The record in a read node; a node with children is another application's, not a record. */
  private ObservedRecord read(Node node) throws CorruptRecordException {
    if (node.stat().getNumChildren() > 0) {
      // A lock record never has children: this is another application's node (a LeaderLatch's, say).
      throw new CorruptRecordException(describe(), "the znode " + path + " has " + node.stat().getNumChildren()
          + " children, so it is not a Baton lock record; choose another name or " + ZooKeeperLockSettings.ROOT, null);
    }
    return decode(node.data() == null ? new byte[0] : node.data());
  }

  /**
   * The client's ZooKeeper handle when its requests are bounded by this lock's timeout (its
   * {@code zookeeper.request.timeout} is set and at most the timeout, as on every client the provider
   * builds): {@link #get} and {@link #update} then call it synchronously, which saves Curator's
   * background bookkeeping, a hop through ZooKeeper's event thread and the wait on a future (what
   * made the lock's calls 13-26 % slower than the raw ones on a local server). Curator's retries are
   * skipped too: a connection loss fails the call at once, and the elector's next attempt goes through
   * the reconnected client. Null when the requests are not so bounded (a ready-made client without the
   * setting), or Curator has no handle to give now: the background call with a deadline.
   */
  private ZooKeeper boundedHandle() {
    ZooKeeper zk;
    try {
      zk = client.getZookeeperClient().getZooKeeper();
    } catch (Exception e) {
      return null;
    }
    if (zk == null) {
      return null;
    }
    if (zk != boundedChecked) {
      long requestTimeout = zk.getClientConfig().getLong(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, 0);
      bounded = requestTimeout > 0 && requestTimeout <= timeout().toMillis();
      boundedChecked = zk;
    }
    return bounded ? zk : null;
  }

  @Override
  public synchronized void create(LeaderElectionRecord record) throws LockException {
    byte[] data = LeaderElectionRecordCodec.encode(record);
    long deadline = deadline();
    if (!acl.equals(ZooDefs.Ids.OPEN_ACL_UNSAFE)) {
      protectNamespace(deadline);
    }
    CuratorEvent event = call("create", cb -> client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
        .withACL(acl).inBackground(cb).forPath(path, data), deadline);
    if (event.getResultCode() == KeeperException.Code.NODEEXISTS.intValue()) {
      throw new RecordAlreadyExistsException(describe(), null);
    }
    check(event, "create");
    remember(stat(event));
  }

  /**
   * Gives the namespace node the record's ACL when creating it. ZooKeeper checks a delete against the
   * parent's ACL, so with an open parent anyone could delete the record and create their own.
   */
  private void protectNamespace(long deadline) throws LockException {
    CuratorEvent event = call("create", cb -> client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
        .withACL(acl).inBackground(cb).forPath(namespacePath), deadline);
    if (event.getResultCode() != KeeperException.Code.NODEEXISTS.intValue()) {
      check(event, "create");
      return;
    }
    CuratorEvent acls = call("create", cb -> client.getACL().inBackground(cb).forPath(namespacePath), deadline);
    check(acls, "create");
    if (acls.getACLList() != null && acls.getACLList().stream()
        .anyMatch(a -> !acl.contains(a) && (a.getPerms() & ZooDefs.Perms.DELETE) != 0)) {
      LOG.warn("{}: the namespace node {} already exists and lets other clients delete nodes in it, so the record's "
          + "ACL cannot stop them from deleting the record; give {} the record's ACL", describe(), namespacePath,
          namespacePath);
    }
  }
  @Override
  public synchronized void update(LeaderElectionRecord record) throws LockException {
    int expected = expectedVersion().getVersion();
    byte[] data = LeaderElectionRecordCodec.encode(record);
    ZooKeeper zk = boundedHandle();
    if (zk != null) {
      Stat written;
      try {
        written = zk.setData(serverPath, data, expected);
      } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
        throw new UpdateConflictException(describe(), "the node " + path + " is no longer at version " + expected, null);
      } catch (KeeperException e) {
        throw failure(e.code(), "update", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TransientLockException(describe(), "interrupted during the update on ZooKeeper", e);
      }
      remember(written);
      return;
    }
    CuratorEvent event = call("update", cb -> client.setData().withVersion(expected).inBackground(cb).forPath(path, data),
        deadline());
    int rc = event.getResultCode();
    if (rc == KeeperException.Code.BADVERSION.intValue() || rc == KeeperException.Code.NONODE.intValue()) {
      throw new UpdateConflictException(describe(), "the node " + path + " is no longer at version " + expected, null);
    }
    check(event, "update");
    remember(stat(event));
  }

  /** The node's stat an answer carries: its version for the next update, its zxid for {@link #revision()}. */
  private Stat stat(CuratorEvent event) throws LockException {
    if (event.getStat() == null) {
      throw new LockException(describe(), "ZooKeeper answered without the node's version; cannot continue safely", null);
    }
    return event.getStat();
  }

  @Override
  protected String backendHint() {
    return "znode " + path + " at " + ensemble;
  }

  /** The node's modification zxid, which strictly increases with every write in the ensemble. */
  @Override
  protected OptionalLong revisionOf(Stat stat) {
    return OptionalLong.of(stat.getMzxid());
  }

  /**
   * The znode this lock's record is stored in.
   *
   * @return {@code <root>/<namespace>/<name>} (below the chroot, if any)
   */
  public String path() {
    return path;
  }

  /** The client this lock talks through (for tests). */
  CuratorFramework client() {
    return client;
  }

  /**
   * Follows the node from a known point through the shared watch of its namespace
   * ({@link SharedNamespaceWatch}): one persistent recursive ZooKeeper watch on
   * {@code <root>/<namespace>} per client, shared by every lock of that namespace on the client and
   * closed with the last of their watches. This registers the listener, waits until that watch is
   * registered on the server, then reads the node (the anchor), and returns (waiting at most the
   * lock's timeout). The watch is registered before the read on the same session, so every write
   * committed after this returns fires an event; the node is read after it and delivered when its
   * modification zxid is newer than the last state this watch had (a deletion when the node existed
   * in it).
   *
   * <p>ZooKeeper's watch events carry no data, so writes that follow each other closely may be
   * delivered as one, the latest state (the store cannot do better). After a reconnect or a new
   * session the shared watch is added again and every watched node read again, so changes made while
   * the connection was down are delivered. The anchor state is not delivered (see
   * {@link WatchableResourceLock#watch}). Listeners are called on Curator's single {@code runSafe}
   * thread of the client, one change at a time; a slow listener delays the others of the client.
   * The watch's reads are its own: they never change the version the next {@link #update} compares
   * against, nor {@link #revision()}. Closing this lock closes its open watches.
   *
   * @param listener receives each change after the anchor
   * @return the running watch; closing it stops the deliveries at once, and closes the shared watch
   *     when it was the last on it
   * @throws TransientLockException when the watch was not registered and the node read within the
   *     timeout, or the read failed
   * @throws LockException when ZooKeeper refused the read (the node's ACL)
   */
  @Override
  public RecordWatch watch(Consumer<ObservedRecord> listener) throws LockException {
    Objects.requireNonNull(listener, "listener");
    long deadline = deadline();
    SharedNamespaceWatch.Subscription subscription;
    try {
      subscription = SharedNamespaceWatch.subscribe(client, namespacePath, path, deliveryTo(listener));
    } catch (RuntimeException e) {
      throw new LockException(describe(), "cannot watch the node " + path + ": " + e.getMessage(), e);
    }
    try {
      subscription.anchored().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      subscription.close();
      throw new TransientLockException(describe(), "ZooKeeper at " + ensemble + " did not register the watch on "
          + namespacePath + " and read the node " + path + " within " + timeout(), e);
    } catch (InterruptedException e) {
      subscription.close();
      Thread.currentThread().interrupt();
      throw new TransientLockException(describe(), "interrupted while starting the watch on ZooKeeper", e);
    } catch (ExecutionException | CancellationException e) {
      subscription.close();
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof KeeperException k) {
        throw failure(k.code(), "watch");
      }
      throw new TransientLockException(describe(), "the watch on ZooKeeper failed: " + cause, cause);
    }
    return closedWithLock(subscription::close);
  }


  /** One background operation. */
  @FunctionalInterface
  private interface Operation {
    void start(BackgroundCallback callback) throws Exception;
  }

  private long deadline() {
    return System.nanoTime() + timeout().toNanos();
  }

  /** Runs one background operation and waits for its result until {@code deadline} (a nanoTime). */
  private CuratorEvent call(String what, Operation operation, long deadline) throws LockException {
    CompletableFuture<CuratorEvent> result = new CompletableFuture<>();
    try {
      operation.start((c, event) -> result.complete(event));
    } catch (Exception e) {
      throw new TransientLockException(describe(), "ZooKeeper at " + ensemble + " could not start the " + what + ": " + e, e);
    }
    try {
      return result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new TransientLockException(describe(), "ZooKeeper at " + ensemble + " did not answer the " + what + " of "
          + path + " within " + timeout(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientLockException(describe(), "interrupted during the " + what + " on ZooKeeper", e);
    } catch (ExecutionException e) {
      throw new TransientLockException(describe(), "the " + what + " on ZooKeeper failed: " + e.getCause(), e.getCause());
    }
  }

  private void check(CuratorEvent event, String what) throws LockException {
    KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
    if (code != KeeperException.Code.OK) {
      throw failure(code, what);
    }
  }

  private LockException failure(KeeperException.Code code, String what) {
    return failure(code, what, null);
  }

  private LockException failure(KeeperException.Code code, String what, Throwable cause) {
    String detail = "ZooKeeper at " + ensemble + " failed the " + what + " of " + path + ": " + code;
    return switch (code) {
      case NOAUTH, AUTHFAILED -> new LockException(describe(), "ZooKeeper at " + ensemble + " refused the " + what
          + " of " + path + " (" + code + "): the node's ACL requires other credentials; check " + ZooKeeperLockSettings.DIGEST,
          cause);
      case NOCHILDRENFOREPHEMERALS, INVALIDACL, BADARGUMENTS, UNIMPLEMENTED, NOTEMPTY -> new LockException(describe(),
          detail + "; the node or its parents are not usable for a lock", cause);
      default -> new TransientLockException(describe(), detail, cause);
    };
  }
}
