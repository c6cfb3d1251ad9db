package dev.baton.lock.lease;

import dev.baton.leaderelection.resourcelock.AbstractResourceLock;
import dev.baton.leaderelection.resourcelock.CorruptRecordException;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.RecordAlreadyExistsException;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import dev.baton.leaderelection.resourcelock.UpdateConflictException;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Lease and ConfigMap locks share: one Kubernetes object read and cached by {@link #get},
 * written back with its resourceVersion (so every write is compare-and-set), labelled
 * {@value SharedWatches#LABEL_KEY}{@code =true} on create and update, and watched through the watch
 * its client shares with every lock of the namespace and kind ({@link SharedWatches}). The cached object is the compare-and-set version of {@link AbstractResourceLock}; events are about it.
 * The client timeout reported is the client's request timeout (a given client's own; fabric8's
 * request retries, when the client has them, can make a call take longer).
 *
 * @param <T> the object's type
 */
abstract class KubernetesObjectLock<T extends HasMetadata> extends AbstractResourceLock<T>
    implements WatchableResourceLock {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesObjectLock.class);

  /** Watches by name opened (first opens and re-opens), for tests. */
  static final java.util.concurrent.atomic.AtomicLong BY_NAME_WATCH_REQUESTS = new java.util.concurrent.atomic.AtomicLong();

  final KubernetesClient client;
  final Map<String, String> labels;
  private final Class<T> type;

  KubernetesObjectLock(Class<T> type, String kind, KubernetesClient client, boolean ownsClient, String namespace,
      String name, ResourceLockConfig config, Map<String, String> labels) {
    super(KubernetesNames.namespace(namespace), KubernetesNames.name(name, kind), config, requestTimeout(client),
        ownsClient ? client : null);
    this.type = type;
    this.client = client;
    Map<String, String> all = new java.util.LinkedHashMap<>(labels);
    all.put(SharedWatches.LABEL_KEY, SharedWatches.LABEL_VALUE); // so that the shared watch sees the object
    this.labels = Map.copyOf(all);
  }

  /** The client's request timeout, or null when it has none. */
  private static Duration requestTimeout(KubernetesClient client) {
    int millis = Objects.requireNonNull(client, "client").getConfiguration().getRequestTimeout();
    return millis > 0 ? Duration.ofMillis(millis) : null;
  }

  /** The record (with its raw bytes) the object holds. */
  abstract ObservedRecord read(T object) throws CorruptRecordException;

  /** A new object holding {@code record}, named and labelled. */
  abstract T newObject(LeaderElectionRecord record);

  /** {@code current} with {@code record} written into it; may modify and return it. */
  abstract T withRecord(T current, LeaderElectionRecord record);

  private Resource<T> resource() {
    return client.resources(type).inNamespace(namespace()).withName(name());
  }

  @Override
  public synchronized ObservedRecord get() throws LockException {
    T object = call("get", () -> resource().get());
    if (object == null) {
      throw new RecordNotFoundException(describe(), null);
    }
    return observe(object, this::read, object);
  }

  @Override
  public synchronized void create(LeaderElectionRecord record) throws LockException {
    T object = newObject(record);
    try {
      remember(client.resource(object).create());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        throw new RecordAlreadyExistsException(describe(), e);
      }
      throw translate(e, "create");
    } catch (RuntimeException e) {
      throw translate(e, "create");
    }
  }

  @Override
  public synchronized void update(LeaderElectionRecord record) throws LockException {
    T expected = expectedVersion();
    T object = withRecord(copy(expected), record);
    // The lock's labels, with the shared watch's: an object created without it (by client-go, say) gets it here.
    Map<String, String> merged = new java.util.LinkedHashMap<>(
        object.getMetadata().getLabels() == null ? Map.of() : object.getMetadata().getLabels());
    merged.putAll(labels);
    object.getMetadata().setLabels(merged);
    try {
      remember(client.resource(object).update());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || e.getCode() == 404) {
        throw new UpdateConflictException(describe(), e.getCode() == 409
            ? "resourceVersion " + expected.getMetadata().getResourceVersion() + " is no longer current"
            : "the object was deleted", e);
      }
      throw translate(e, "update");
    } catch (RuntimeException e) {
      throw translate(e, "update");
    }
  }

  @SuppressWarnings("unchecked")
  private T copy(T object) {
    return (T) client.getKubernetesSerialization().clone(object);
  }

  /** Events are about the object last read or written, as client-go's; before any, about the lock's description. */
  @Override
  protected Object eventSubject() {
    Object subject = lastVersion().orElse(null);
    return subject != null ? subject : describe();
  }

  /** The resourceVersion of the object last read or written, when it is a number (the API server's is). */
  @Override
  protected OptionalLong revisionOf(T cached) {
    if (cached.getMetadata().getResourceVersion() == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(cached.getMetadata().getResourceVersion()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Watches the object from a known point, through the watch this lock's client shares with every
   * lock of the same kind and namespace ({@link SharedWatches}: one Kubernetes watch with the label
   * selector {@value SharedWatches#LABEL_KEY}{@code =true}, however many locks watch), reference
   * counted: the first watch opens it, the last close closes it.
   *
   * <p>In order: this registers with the shared watch (opening it, and waiting until the API server
   * accepted it, when it is the first), then reads the object (the anchor: as {@link #get} does, but
   * without caching it). Every write after that read reaches the shared watch, so every write after
   * this returns is delivered, each one, in order. The state read is not delivered (see
   * {@link WatchableResourceLock#watch}); the read never changes the resourceVersion the next
   * {@link #update} compares against, nor {@link #revision()}.
   *
   * <p>The shared watch only sees labelled objects. The locks label every object they create or
   * update, but an object created by client-go, fabric8 or an older Baton has no label until a lock
   * of this version updates it. So while the object is unlabelled (at the anchor read, or after the
   * shared watch reports that it left the selection: its label removed), this lock also watches it by
   * name, as before shared watches: from a read's resourceVersion, so that no write is missed. An
   * absent object is not watched by name (thousands of electors starting on a fresh namespace would
   * open a watch each): a create by a Baton lock is labelled and reported by the shared watch, while
   * one by another client without the label is learned at the elector's next poll, not delivered. Once the shared watch reports the object labelled, the watch by name is
   * closed. After the shared watch reports it deleted or unlabelled, the object is read again (and a
   * watch by name opened from that read) before anything more is delivered: a read that finds it
   * gone delivers the deletion; one that finds another object of that name (another uid) delivers
   * the deletion, then the new object. That read coalesces the writes made since the object left
   * the selection (the unlabelling write among them) into the state it reads, as after 410 Gone.
   * When the API server forbids listing or watching the
   * namespace's objects (a Role that names its objects), every lock watches by name.
   *
   * <p>Events whose object is not newer than the state read or last delivered are skipped: fabric8's
   * CRUD mock API server ignores the resourceVersion of a watch and sends the current objects as
   * ADDED whenever a watch (re)connects, so there this both drops the replay of the state already
   * known and delivers a write made between the read and the watch. "Newer" compares the
   * resourceVersions as numbers when both are (the API server's are etcd revisions), else as
   * different strings.
   *
   * <p>fabric8 reconnects a broken watch itself from the last resourceVersion it saw; when it gives
   * up, the watch is opened again from the last resourceVersion seen here. When the API server no
   * longer has that resourceVersion (410 Gone), the shared watch lists the namespace's labelled
   * objects, delivers to each lock what changed, and watches from the list; a watch by name reads
   * its object again, delivers it if it changed, and watches from that read. One daemon thread does
   * this for every watch of the process.
   *
   * @param listener receives each change after the read
   * @return the running watch; closing it never disturbs another lock's watch
   * @throws TransientLockException when the API server cannot be reached, or does not accept the
   *     watch
   * @throws LockException when the API server refuses the read or the watch (RBAC: get, list and
   *     watch; without list and watch on the namespace, get and watch on the object)
   */
  @Override
  public RecordWatch watch(Consumer<ObservedRecord> listener) throws LockException {
    Objects.requireNonNull(listener, "listener");
    LockWatch watch = new LockWatch(listener);
    watch.start();
    return watch;
  }

  private <R> R call(String what, java.util.function.Supplier<R> request) throws LockException {
    try {
      return request.get();
    } catch (RuntimeException e) {
      throw translate(e, what);
    }
  }

  LockException translate(RuntimeException e, String what) {
    String server = client.getMasterUrl() == null ? "the API server" : "the API server at " + client.getMasterUrl();
    if (e instanceof KubernetesClientException k) {
      int code = k.getCode();
      if (code == 401) {
        return new LockException(describe(), server + " did not accept this client's credentials for the " + what
            + " of " + describe() + " (HTTP 401): check the kubeconfig's user or the pod's service-account token", e);
      }
      if (code == 403) {
        String group = HasMetadata.getGroup(type);
        String resource = HasMetadata.getPlural(type) + (group == null || group.isEmpty() ? "" : "." + group);
        String said = k.getStatus() != null && k.getStatus().getMessage() != null ? k.getStatus().getMessage() : k.getMessage();
        return new LockException(describe(), server + " forbade the " + what + " of " + describe() + " (HTTP 403: " + said
            + "): the Role bound to this client must allow the verb '" + what + "' on '" + resource + "' in namespace "
            + namespace() + "; the lock needs get, list, create, update and watch on it (list and watch for the watch it "
            + "shares with the namespace's other locks; and create on 'events' to record events); see the RBAC example "
            + "in the lock-lease README", e);
      }
      if (code == 422 || code == 400) {
        return new LockException(describe(), server + " rejected the " + what + " of " + describe() + " (HTTP " + code
            + "): " + k.getMessage(), e);
      }
      return new TransientLockException(describe(), "the " + what + " of " + describe() + " on " + server + " failed"
          + (code > 0 ? " (HTTP " + code + ")" : "") + ": " + k.getMessage(), e);
    }
    return new TransientLockException(describe(), "the " + what + " of " + describe() + " on " + server + " failed: " + e, e);
  }

  /**
   * One lock's watch: a subscriber of the shared watch, plus a watch by name while the object is
   * absent or unlabelled. Both sources go through one filter (present, newest resourceVersion,
   * uid), under one lock, so deliveries never overlap, keep their order and are never repeated.
   * While anchored at a read (at start, and after the object left the shared selection), events are
   * held back and applied after the read's state.
   */
  private final class LockWatch implements RecordWatch, SharedWatches.Subscriber<T> {
    private final Consumer<T> delivery;
    private final Object deliveries = new Object();
    /** Whether the object existed in the state last read or delivered. Guarded by deliveries. */
    private boolean present;
    /** The newest resourceVersion read or delivered; null when none is known. Guarded by deliveries. */
    private String lastVersion;
    /** The uid of the object last read or delivered while present. Guarded by deliveries. */
    private String uid;
    /** Events held back while anchoring at a read; null otherwise. Guarded by deliveries. */
    private List<Runnable> heldBack;
    /** The watch by name, while the object is absent or unlabelled. Guarded by deliveries. */
    private NameWatch byName;
    private volatile boolean closed;
    private volatile SharedWatches.Subscription shared;

    LockWatch(Consumer<ObservedRecord> listener) {
      this.delivery = deliveryTo(listener, KubernetesObjectLock.this::read);
    }

    void start() throws LockException {
      synchronized (deliveries) {
        heldBack = new ArrayList<>();
      }
      try {
        shared = SharedWatches.subscribe(client, namespace(), type, name(), this);
      } catch (RuntimeException e) {
        close();
        throw translate(e, "watch");
      }
      T anchor;
      try {
        anchor = resource().get();
      } catch (RuntimeException e) {
        close();
        throw translate(e, "read starting the watch");
      }
      NameWatch nameWatch = null;
      if (needsWatchByName(anchor)) {
        nameWatch = new NameWatch(this);
        try {
          nameWatch.connect(SharedWatches.resourceVersion(anchor));
        } catch (RuntimeException e) {
          nameWatch.close();
          close();
          throw translate(e, "watch");
        }
      }
      synchronized (deliveries) {
        if (closed) {
          if (nameWatch != null) {
            nameWatch.close();
          }
          return;
        }
        byName = nameWatch;
        present = anchor != null;
        lastVersion = SharedWatches.resourceVersion(anchor);
        uid = uidOf(anchor);
        applyHeldBack();
      }
    }

    @Override
    public void onShared(Watcher.Action action, T object) {
      synchronized (deliveries) {
        if (closed) {
          return;
        }
        if (heldBack != null) {
          heldBack.add(() -> shared(action, object));
          return;
        }
        shared(action, object);
      }
    }

    @Override
    public void onListed(T object) {
      synchronized (deliveries) {
        if (closed) {
          return;
        }
        Runnable listed = () -> {
          if (object != null) {
            shared(Watcher.Action.MODIFIED, object);
          } else if (byName == null) {
            reanchor(); // it left the selection while the shared watch was broken
          }
        };
        if (heldBack != null) {
          heldBack.add(listed);
        } else {
          listed.run();
        }
      }
    }

    /** An event of the watch by name {@code source}; ignored when that watch is no longer this one's. */
    void onByName(NameWatch source, Watcher.Action action, T object) {
      synchronized (deliveries) {
        if (closed) {
          return;
        }
        Runnable event = () -> {
          if (source != byName) {
            return;
          }
          if (action == Watcher.Action.DELETED) {
            deleted(SharedWatches.resourceVersion(object));
          } else if (action == Watcher.Action.ADDED || action == Watcher.Action.MODIFIED) {
            state(object);
          }
        };
        if (heldBack != null) {
          heldBack.add(event);
        } else {
          event.run();
        }
      }
    }

    /** The watch by name {@code source} got 410 Gone: read again and watch from the read. */
    void onByNameGone(NameWatch source) {
      synchronized (deliveries) {
        if (!closed && source == byName) {
          reanchor();
        }
      }
    }

    /** Guarded by deliveries. */
    private void shared(Watcher.Action action, T object) {
      if (action == Watcher.Action.DELETED) {
        if (byName == null) {
          reanchor(); // deleted or unlabelled: a read tells which, and a watch by name follows it from there
        }
        return; // with a watch by name, that watch reports a deletion itself
      }
      if (byName != null) {
        // The shared watch sees the object now: it reports every later write, so the watch by name can go.
        NameWatch old = byName;
        byName = null;
        SharedWatches.RETRY.execute(old::close);
      }
      state(object);
    }

    /** Delivers {@code object} when it is newer than the last state; another uid means the last one was deleted. Guarded by deliveries. */
    private void state(T object) {
      String version = SharedWatches.resourceVersion(object);
      if (!isNewer(version, lastVersion)) {
        return; // the state read or already delivered, replayed (the mock server does so on every connect)
      }
      String newUid = uidOf(object);
      if (present && uid != null && newUid != null && !uid.equals(newUid)) {
        emit(null); // the object last known was deleted and another created under its name
      }
      present = true;
      lastVersion = version;
      uid = newUid;
      emit(object);
    }

    /** The object is gone (as of {@code version}, when known). Guarded by deliveries. */
    private void deleted(String version) {
      if (isOlder(version, lastVersion)) {
        return; // a deletion before the state already known
      }
      lastVersion = newest(lastVersion, version);
      if (present) {
        present = false;
        uid = null;
        emit(null);
      }
    }

    /** Holds events back and reads the object again, on the retry thread. Guarded by deliveries. */
    private void reanchor() {
      if (heldBack != null) {
        return; // already anchoring; it will see the latest state
      }
      heldBack = new ArrayList<>();
      SharedWatches.RETRY.execute(this::reanchorNow);
    }

    /** Reads the object, opens a watch by name from the read, delivers what changed, then what was held back. */
    private void reanchorNow() {
      if (closed) {
        return;
      }
      T now;
      NameWatch nameWatch = null;
      try {
        now = resource().get();
        if (needsWatchByName(now)) {
          nameWatch = new NameWatch(this);
          nameWatch.connect(SharedWatches.resourceVersion(now));
        }
      } catch (RuntimeException e) {
        if (nameWatch != null) {
          nameWatch.close();
        }
        if (!SharedWatches.closed(client)) {
          LOG.debug("{}: reading the object again after it left the shared watch failed ({}); retrying", describe(), e.toString());
          SharedWatches.RETRY.schedule(this::reanchorNow, 500, TimeUnit.MILLISECONDS);
        }
        return;
      }
      synchronized (deliveries) {
        if (closed) {
          if (nameWatch != null) {
            SharedWatches.RETRY.execute(nameWatch::close);
          }
          return;
        }
        NameWatch old = byName;
        byName = nameWatch;
        if (old != null) {
          SharedWatches.RETRY.execute(old::close);
        }
        if (now == null) {
          deleted(null);
        } else {
          state(now);
        }
        applyHeldBack();
      }
    }

    /**
     * Whether the shared watch cannot report {@code object}'s writes: it exists without the label
     * (client-go's, or an older Baton's), or the namespace watch is refused. An absent object needs
     * none: Baton's locks label what they create, so the shared watch reports the create. (One
     * created unlabelled by another client while absent here is not delivered; the elector's next
     * poll finds it. A watch by name per absent object would open thousands of watches when
     * thousands of electors start on a fresh namespace, which is what sharing avoids.)
     */
    private boolean needsWatchByName(T object) {
      return (object != null && !SharedWatches.labelled(object)) || !shared.available();
    }

    /** Applies the events held back; one of them may start anchoring again, which holds back the rest. Guarded by deliveries. */
    private void applyHeldBack() {
      List<Runnable> events = heldBack;
      heldBack = null;
      for (int i = 0; i < events.size(); i++) {
        if (heldBack != null) {
          heldBack.addAll(events.subList(i, events.size()));
          return;
        }
        events.get(i).run();
      }
    }

    /**
     * Delivers the object (null: deleted); guarded by deliveries, so calls never overlap and keep their order.
     * Whatever the listener throws (an Error too) stays here: it would otherwise leave events held back for
     * good, skip the other locks of the shared watch's event, or end a fabric8 thread.
     */
    private void emit(T object) {
      if (closed) {
        return;
      }
      try {
        delivery.accept(object);
      } catch (Throwable e) {
        LOG.warn("{}: watch listener failed: {}", describe(), e.toString());
      }
    }

    /**
     * Stops the deliveries: once this returns the listener is not called again (a delivery under
     * way when it is called is waited for, unless this is called from inside the listener).
     */
    @Override
    public void close() {
      closed = true;
      if (!Thread.holdsLock(deliveries)) {
        synchronized (deliveries) {
          // a delivery that began before closed was set has returned; every later one sees closed
        }
      }
      SharedWatches.Subscription s = shared;
      if (s != null) {
        s.close();
      }
      NameWatch w;
      synchronized (deliveries) {
        w = byName;
        byName = null;
      }
      if (w != null) {
        w.close();
      }
    }
  }

  private static String uidOf(HasMetadata object) {
    return object == null || object.getMetadata() == null ? null : object.getMetadata().getUid();
  }

  /**
   * A watch on the object by name from a read's resourceVersion, opened again from the last
   * resourceVersion it saw after it closes with an error; after 410 Gone its lock watch reads again.
   */
  private final class NameWatch {
    private final LockWatch owner;
    /** Opens are one at a time; never held by an event (fabric8 may deliver one before the open returns). */
    private final Object opening = new Object();
    /** Guards lastVersion and generation. */
    private final Object state = new Object();
    /** The newest resourceVersion seen. Guarded by state. */
    private String lastVersion;
    /** Counts the watches opened; events of an older one are ignored. Guarded by state. */
    private int generation;
    private volatile boolean closed;
    private volatile Watch watch;

    NameWatch(LockWatch owner) {
      this.owner = owner;
    }

    /** Opens a watch from {@code from} (null: from now, with the current object sent first). */
    void connect(String from) {
      synchronized (opening) {
        connectLocked(from);
      }
    }

    private void connectLocked(String from) {
      int g;
      synchronized (state) {
        g = ++generation;
        lastVersion = newest(lastVersion, from);
      }
      if (closed) {
        return;
      }
      ListOptions options = new ListOptionsBuilder().withResourceVersion(from).build();
      BY_NAME_WATCH_REQUESTS.incrementAndGet();
      Watch w = resource().watch(options, new Watcher<T>() {
        @Override
        public void eventReceived(Action action, T object) {
          synchronized (state) {
            if (closed || g != generation) {
              return;
            }
            lastVersion = newest(lastVersion, SharedWatches.resourceVersion(object));
          }
          owner.onByName(NameWatch.this, action, object);
        }

        @Override
        public void onClose(WatcherException cause) {
          if (cause.isHttpGone()) {
            owner.onByNameGone(NameWatch.this);
          } else {
            reopenLater(cause);
          }
        }
      });
      watch = w;
      if (closed) {
        w.close();
      }
    }

    private void reopen() {
      String from;
      synchronized (state) {
        from = lastVersion;
      }
      try {
        connect(from);
      } catch (KubernetesClientException e) {
        if (e.getCode() == 410) {
          owner.onByNameGone(this);
        } else {
          reopenLater(e);
        }
      } catch (RuntimeException e) {
        reopenLater(e);
      }
    }

    private void reopenLater(Exception cause) {
      if (closed || SharedWatches.closed(client)) {
        return;
      }
      LOG.debug("{}: watch by name closed ({}); opening it again from the last resourceVersion seen", describe(), cause);
      SharedWatches.RETRY.schedule(this::reopen, 500, TimeUnit.MILLISECONDS);
    }

    void close() {
      closed = true;
      Watch w = watch;
      if (w != null) {
        w.close();
      }
    }
  }

  /** Whether {@code candidate} is a later resourceVersion than {@code last}: as numbers when both are, else when different. */
  static boolean isNewer(String candidate, String last) {
    if (last == null || candidate == null) {
      return true;
    }
    try {
      return Long.parseLong(candidate) > Long.parseLong(last);
    } catch (NumberFormatException e) {
      return !candidate.equals(last);
    }
  }

  /** Whether {@code candidate} is an earlier resourceVersion than {@code last}: only when both are numbers. */
  static boolean isOlder(String candidate, String last) {
    if (last == null || candidate == null) {
      return false;
    }
    try {
      return Long.parseLong(candidate) < Long.parseLong(last);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static String newest(String a, String b) {
    if (a == null) {
      return b;
    }
    return b == null || !isNewer(b, a) ? a : b;
  }
}
