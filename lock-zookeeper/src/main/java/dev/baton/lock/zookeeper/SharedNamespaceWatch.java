package dev.baton.lock.zookeeper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One persistent recursive ZooKeeper watch on a namespace node ({@code <root>/<namespace>}), shared by
 * every {@link ZooKeeperLock} watching a record in that namespace through the same
 * {@link CuratorFramework}: 10,000 watched locks on one client and namespace cost one watch on the
 * server, no cache of their data and no thread of their own.
 *
 * <p><b>Life.</b> The registry ({@link #subscribe}) keeps one instance per (client, namespace path),
 * reference-counted: the first subscription opens it (adds the watch), closing the last closes it
 * (removes the watch on the server). A subscription that arrives while the watch is being removed
 * revives it: the watch is added again once the removal is answered, so a removal can never undo a
 * later add. The registry holds a client only while a subscription on it is open, and drops the
 * entries of a client that was closed ({@link CuratorFrameworkState#STOPPED}).
 *
 * <p><b>Known point.</b> A subscription is registered first; then it waits until the watch is
 * registered on the server; then it reads its node (the anchor: data and {@code Stat}). A later
 * state of the node is delivered only when its modification zxid is newer than the last one the
 * subscription had (anchor or delivery), a deletion ({@code null}) only when the node existed in
 * that state. Events carry no data: after an event the node is read (at most one read per node in
 * flight; an event during a read reads once more after it, so the latest state is always read).
 * Every answer, the anchor's included, is handed to the subscriptions in the order ZooKeeper gave
 * them, on Curator's single {@code runSafe} thread of the client, which also calls the listeners
 * (never ZooKeeper's event thread, so a listener may call the lock's get and update; not watch, whose
 * anchor is handed over on this thread, so it would wait out its timeout). A state read before a
 * subscription's anchor is not delivered; it makes the subscription read its node again after the
 * anchor.
 *
 * <p><b>Breaks.</b> After every (re)connection, with the session kept or a new one, the watch is
 * added again (idempotent on the server) and, once that is answered, every watched node is read
 * again, so changes made while the connection was down are delivered. A subscription anchored
 * during the break is covered the same way: the watch is re-added after its registration, and the
 * read that follows sees every later write. (Across a new session the order of answers is ZooKeeper's
 * only as far as the new server is not behind the old one; a server that is behind can show an older
 * state, which the zxid rule does not deliver, or the absence of a node created just before, which is
 * delivered as a deletion; the node's next write is delivered again. The elector takes a deletion as
 * a reason to attempt at once, and an attempt starts by reading the record, so this costs one read.)
 *
 * <p>Removing the watch removes every watcher of the client on the namespace node (ZooKeeper's
 * {@code removeAllWatches}): the server keeps one watch per path and connection, so removing a single
 * watcher object only checks the server's watch and leaves it in place.
 */
final class SharedNamespaceWatch {
  private static final Logger LOG = LoggerFactory.getLogger(SharedNamespaceWatch.class);

  /** Guards {@link #REGISTRY} and every instance's {@link #refs} and {@link #state}. */
  private static final Object LOCK = new Object();
  private static final Map<CuratorFramework, Map<String, SharedNamespaceWatch>> REGISTRY = new IdentityHashMap<>();
  /** Watches added on a server and not yet removed, across the JVM (for tests). */
  private static final AtomicInteger OPEN = new AtomicInteger();
  /** How often a watch was added on a server (first add, re-adds after connects and revivals; for tests). */
  private static final AtomicInteger ADDS = new AtomicInteger();

  private enum State { OPEN, CLOSING, CLOSED }

  private final CuratorFramework client;
  private final String parent;
  private final Watcher watcher = this::process;
  private final ConnectionStateListener connections = (c, newState) -> {
    if (newState.isConnected()) {
      register();
    }
  };
  /** The watched nodes: path to its subscriptions. Changed under {@link #LOCK}. */
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();
  /** Guarded by {@link #LOCK}. */
  private int refs;
  /** Guarded by {@link #LOCK}. */
  private State state = State.OPEN;
  /** Completed when the watch is registered on the server; replaced while it is removed. Guarded by LOCK. */
  private CompletableFuture<Void> registered = new CompletableFuture<>();
  /** Whether the watch is counted in {@link #OPEN}. Guarded by LOCK. */
  private boolean counted;

  private SharedNamespaceWatch(CuratorFramework client, String parent) {
    this.client = client;
    this.parent = parent;
  }

  /**
   * Subscribes to a node: registers the subscription, opening the shared watch of its namespace
   * when it is the first, then (asynchronously) waits for the watch to be registered on the server
   * and reads the node as the anchor. The caller waits for {@link Subscription#anchored()} and
   * closes the subscription when that fails or times out.
   *
   * @param client the client
   * @param parent the namespace node, {@code <root>/<namespace>}
   * @param path the node, a child of {@code parent}
   * @param delivery receives each later state's bytes, {@code null} for a deletion
   * @return the subscription
   */
  static Subscription subscribe(CuratorFramework client, String parent, String path, Consumer<byte[]> delivery) {
    SharedNamespaceWatch watch;
    Subscription s;
    CompletableFuture<Void> registered;
    boolean start = false;
    synchronized (LOCK) {
      REGISTRY.keySet().removeIf(c -> c.getState() == CuratorFrameworkState.STOPPED);
      Map<String, SharedNamespaceWatch> ofClient = REGISTRY.computeIfAbsent(client, c -> new HashMap<>());
      watch = ofClient.get(parent);
      if (watch == null) {
        watch = new SharedNamespaceWatch(client, parent);
        ofClient.put(parent, watch);
        start = true;
      }
      watch.refs++;
      s = new Subscription(watch, path, delivery);
      watch.nodes.computeIfAbsent(path, watch::newNode).subscriptions.add(s);
      registered = watch.registered;
    }
    if (start) {
      watch.start();
    }
    registered.whenComplete((ok, failure) -> {
      if (failure != null) {
        s.anchored.completeExceptionally(failure);
      } else {
        s.readAnchor();
      }
    });
    return s;
  }

  /** Shared watches open on a server now, across the JVM (for tests). */
  static int openWatches() {
    return OPEN.get();
  }

  /** How often a shared watch was added on a server, across the JVM (for tests). */
  static int watchAdds() {
    return ADDS.get();
  }

  /** The subscriptions of the shared watch of {@code client} and {@code parent}; 0 when it is not open. */
  static int subscriptions(CuratorFramework client, String parent) {
    synchronized (LOCK) {
      Map<String, SharedNamespaceWatch> ofClient = REGISTRY.get(client);
      SharedNamespaceWatch w = ofClient == null ? null : ofClient.get(parent);
      return w == null ? 0 : w.refs;
    }
  }

  private Node newNode(String path) {
    return new Node(path);
  }

  private void start() {
    client.getConnectionStateListenable().addListener(connections);
    register();
  }

  /** Adds the watch on the server (again); once answered, reads every watched node. */
  private void register() {
    synchronized (LOCK) {
      if (state != State.OPEN || client.getState() == CuratorFrameworkState.STOPPED) {
        return;
      }
    }
    try {
      client.watchers().add().withMode(AddWatchMode.PERSISTENT_RECURSIVE).inBackground(this::registeredAnswer)
          .usingWatcher(watcher).forPath(parent);
    } catch (Exception e) {
      LOG.warn("cannot add the ZooKeeper watch on {}: {}", parent, e.toString());
    }
  }

  private void registeredAnswer(CuratorFramework c, CuratorEvent event) {
    if (event.getResultCode() != KeeperException.Code.OK.intValue()) {
      // Connection problems end in a (re)connect, which registers again; otherwise try again shortly.
      LOG.debug("adding the ZooKeeper watch on {} failed: {}", parent, KeeperException.Code.get(event.getResultCode()));
      if (client.getZookeeperClient().isConnected()) {
        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(this::register);
      }
      return;
    }
    CompletableFuture<Void> first;
    synchronized (LOCK) {
      if (state != State.OPEN) {
        return;
      }
      ADDS.incrementAndGet();
      if (!counted) {
        counted = true;
        OPEN.incrementAndGet();
      }
      first = registered;
    }
    // The first registration: the subscriptions waiting for it read their anchors now. Later ones
    // (reconnects, new sessions): every watched node is read again, for what changed meanwhile.
    if (!first.complete(null)) {
      nodes.values().forEach(Node::read);
    }
  }

  private void process(WatchedEvent event) {
    if (event.getType() == Watcher.Event.EventType.None || event.getPath() == null) {
      return;
    }
    Node node = nodes.get(event.getPath());
    if (node != null) {
      node.read();
    }
  }

  /** Under LOCK: the last subscription closed; removes the watch on the server. */
  private void release() {
    state = State.CLOSING;
    registered = new CompletableFuture<>();
    client.getConnectionStateListenable().removeListener(connections);
    if (client.getState() == CuratorFrameworkState.STOPPED) {
      closed();
      return;
    }
    try {
      // removeAll: removing one watcher object only checks the server's watch (checkWatches), because
      // the server keeps one watch per path and connection for all of the client's watcher objects.
      client.watchers().removeAll().ofType(Watcher.WatcherType.Any).inBackground(this::removedAnswer).forPath(parent);
    } catch (Exception e) {
      LOG.debug("cannot remove the ZooKeeper watch on {}: {}", parent, e.toString());
      removeLocally();
      closed();
    }
  }

  private void removedAnswer(CuratorFramework c, CuratorEvent event) {
    if (event.getResultCode() != KeeperException.Code.OK.intValue()) {
      // Not removed on the server (no connection): forget it here so no reconnect registers it again.
      // Before a revival's add, so the add is queued after it.
      removeLocally();
    }
    boolean revive;
    synchronized (LOCK) {
      revive = refs > 0;
      if (revive) {
        state = State.OPEN;
        if (counted) {
          counted = false;
          OPEN.decrementAndGet();
        }
        client.getConnectionStateListenable().addListener(connections);
      } else {
        closed();
      }
    }
    if (revive) {
      register();
    }
  }

  /**
   * Forgets the watch on this client without waiting: ZooKeeper's asynchronous call, which forgets
   * it locally even when the request fails for want of a connection. (Curator's foreground call is
   * ZooKeeper's synchronous one, which waits while the client is disconnected for the connection to
   * come back or be given up, on the thread that called it.)
   */
  private void removeLocally() {
    try {
      client.getZookeeperClient().getZooKeeper().removeAllWatches(ZKPaths.fixForNamespace(client.getNamespace(), parent),
          Watcher.WatcherType.Any, true, (rc, path, ctx) -> { }, null);
    } catch (Exception e) {
      LOG.debug("cannot forget the ZooKeeper watch on {}: {}", parent, e.toString());
    }
  }

  /** Under LOCK. */
  private void closed() {
    state = State.CLOSED;
    if (counted) {
      counted = false;
      OPEN.decrementAndGet();
    }
    Map<String, SharedNamespaceWatch> ofClient = REGISTRY.get(client);
    if (ofClient != null && ofClient.get(parent) == this) {
      ofClient.remove(parent);
      if (ofClient.isEmpty()) {
        REGISTRY.remove(client);
      }
    }
  }

  /** A watched node: its subscriptions and the read in flight. */
  private final class Node {
    private final String path;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    /** Guarded by this. */
    private boolean reading;
    /** Guarded by this: an event came during the read, so read again after it. */
    private boolean again;

    Node(String path) {
      this.path = path;
    }

    void read() {
      synchronized (this) {
        if (reading) {
          again = true;
          return;
        }
        reading = true;
      }
      startRead();
    }

    private void startRead() {
      try {
        client.getData().inBackground((c, event) -> answered(event)).forPath(path);
      } catch (Exception e) {
        synchronized (this) {
          reading = false;
          again = false;
        }
        LOG.warn("cannot read the watched ZooKeeper node {}: {}", path, e.toString());
      }
    }

    private void answered(CuratorEvent event) {
      Snapshot snapshot = Snapshot.of(event);
      if (snapshot == null) {
        LOG.debug("reading the watched ZooKeeper node {} failed: {}", path, KeeperException.Code.get(event.getResultCode()));
      } else {
        List<Subscription> targets = new ArrayList<>(subscriptions);
        client.runSafe(() -> targets.forEach(s -> s.offer(snapshot)));
      }
      boolean more;
      synchronized (this) {
        more = again;
        again = false;
        reading = more;
      }
      if (more) {
        startRead();
      }
    }
  }

  /** A state of a node as a read found it: its bytes and modification zxid, or its absence. */
  private record Snapshot(byte[] data, long mzxid, boolean exists) {
    /** The state an answer carries; null when the read failed. */
    static Snapshot of(CuratorEvent event) {
      int rc = event.getResultCode();
      if (rc == KeeperException.Code.OK.intValue() && event.getStat() != null) {
        return new Snapshot(event.getData() == null ? new byte[0] : event.getData(), event.getStat().getMzxid(), true);
      }
      if (rc == KeeperException.Code.NONODE.intValue()) {
        return new Snapshot(null, -1, false);
      }
      return null;
    }
  }

  /** One watch of one lock on its node. */
  static final class Subscription implements AutoCloseable {
    private final SharedNamespaceWatch watch;
    private final String path;
    private final Consumer<byte[]> delivery;
    /** Completed (on the runSafe thread) once the anchor is read; failed with the read's KeeperException. */
    private final CompletableFuture<Void> anchored = new CompletableFuture<>();
    /** Guarded by this. */
    private boolean isAnchored;
    /** Guarded by this: a state came before the anchor, so read again after it. */
    private boolean missed;
    /** Guarded by this: the newest modification zxid this subscription had, -1 for none. */
    private long lastMzxid = -1;
    /** Guarded by this: whether the node existed in the last state this subscription had. */
    private boolean lastExisted;
    /** Guarded by this. */
    private boolean closed;
    private final AtomicInteger delivered = new AtomicInteger();

    private Subscription(SharedNamespaceWatch watch, String path, Consumer<byte[]> delivery) {
      this.watch = watch;
      this.path = path;
      this.delivery = Objects.requireNonNull(delivery, "delivery");
    }

    /** Completes once the watch is registered on the server and the anchor read; fails when that read failed. */
    CompletableFuture<Void> anchored() {
      return anchored;
    }

    private void readAnchor() {
      try {
        watch.client.getData().inBackground((c, event) -> {
          Snapshot snapshot = Snapshot.of(event);
          // In ZooKeeper's order with the shared reads' answers: through the same single thread.
          watch.client.runSafe(() -> anchor(snapshot, event.getResultCode()));
        }).forPath(path);
      } catch (Exception e) {
        anchored.completeExceptionally(e);
      }
    }

    private void anchor(Snapshot snapshot, int rc) {
      boolean readAgain;
      synchronized (this) {
        if (snapshot == null) {
          anchored.completeExceptionally(KeeperException.create(KeeperException.Code.get(rc), path));
          return;
        }
        if (closed) {
          anchored.cancel(false);
          return;
        }
        lastMzxid = snapshot.mzxid();
        lastExisted = snapshot.exists();
        isAnchored = true;
        readAgain = missed;
        missed = false;
      }
      anchored.complete(null);
      if (readAgain) {
        Node node = watch.nodes.get(path);
        if (node != null) {
          node.read();
        }
      }
    }

    /** Runs on the runSafe thread, in ZooKeeper's order. */
    private synchronized void offer(Snapshot snapshot) {
      if (closed) {
        return;
      }
      if (!isAnchored) {
        missed = true;
        return;
      }
      if (snapshot.exists()) {
        if (snapshot.mzxid() <= lastMzxid) {
          return;
        }
        lastMzxid = snapshot.mzxid();
        lastExisted = true;
      } else {
        if (!lastExisted) {
          return;
        }
        lastExisted = false;
      }
      delivered.incrementAndGet();
      delivery.accept(snapshot.data());
    }

    /** How many states this subscription delivered (for tests). */
    int deliveries() {
      return delivered.get();
    }

    /**
     * Stops the deliveries: when this returns no delivery is running (unless this is called from the
     * listener) and none follows. Closes the shared watch when this was its last subscription.
     */
    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      synchronized (LOCK) {
        Node node = watch.nodes.get(path);
        if (node != null) {
          node.subscriptions.remove(this);
          if (node.subscriptions.isEmpty()) {
            watch.nodes.remove(path);
          }
        }
        if (--watch.refs == 0 && watch.state == State.OPEN) {
          watch.release();
        }
      }
    }
  }
}
