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
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Lease and ConfigMap locks share: one Kubernetes object read and cached by {@link #get},
 * written back with its resourceVersion (so every write is compare-and-set), watched by name. The
 * cached object is the compare-and-set version of {@link AbstractResourceLock}; events are about it.
 * The client timeout reported is the client's request timeout (a given client's own; fabric8's
 * request retries, when the client has them, can make a call take longer).
 *
 * @param <T> the object's type
 */
abstract class KubernetesObjectLock<T extends HasMetadata> extends AbstractResourceLock<T>
    implements WatchableResourceLock {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesObjectLock.class);

  /** One daemon thread re-opens every closed watch of every lock, so a thousand locks cost one thread. */
  private static final ScheduledExecutorService WATCH_RETRY = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "baton-kubernetes-watch-retry");
    t.setDaemon(true);
    return t;
  });

  final KubernetesClient client;
  final Map<String, String> labels;
  private final Class<T> type;

  KubernetesObjectLock(Class<T> type, String kind, KubernetesClient client, boolean ownsClient, String namespace,
      String name, ResourceLockConfig config, Map<String, String> labels) {
    super(KubernetesNames.namespace(namespace), KubernetesNames.name(name, kind), config, requestTimeout(client),
        ownsClient ? client : null);
    this.type = type;
    this.client = client;
    this.labels = Map.copyOf(labels);
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
    if (!labels.isEmpty()) {
      Map<String, String> merged = new java.util.LinkedHashMap<>(
          object.getMetadata().getLabels() == null ? Map.of() : object.getMetadata().getLabels());
      merged.putAll(labels);
      object.getMetadata().setLabels(merged);
    }
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
   * Watches the object by name from a known point: this reads the object (as {@link #get} does, but
   * without caching it), then opens a watch from that read's resourceVersion and returns once the
   * API server has accepted it, so every write after this returns is delivered, each one, in order
   * (an object that did not exist is watched from "now": the API server then sends the object as
   * it is when the watch starts, which covers a create between the read and the watch). The state
   * read is not delivered (see {@link WatchableResourceLock#watch}); the read never changes the
   * resourceVersion the next {@link #update} compares against, nor {@link #revision()}.
   *
   * <p>Events whose object is not newer than the state read or last delivered are skipped: fabric8's
   * CRUD mock API server ignores the resourceVersion of a watch and sends the current object as
   * ADDED whenever a watch (re)connects, so there this both drops the replay of the state already
   * known and delivers a write made between the read and the watch. "Newer" compares the
   * resourceVersions as numbers when both are (the API server's are etcd revisions), else as
   * different strings.
   *
   * <p>fabric8 reconnects a broken watch itself from the last resourceVersion it saw; when it gives
   * up, the watch is opened again from the last resourceVersion seen here. When the API server no
   * longer has that resourceVersion (410 Gone), the object is read again, delivered if it differs
   * from the last state delivered, and watched from that read.
   *
   * @param listener receives each change after the read
   * @return the running watch
   * @throws TransientLockException when the API server cannot be reached, or does not accept the
   *     watch
   * @throws LockException when the API server refuses the read or the watch (RBAC: get and watch)
   */
  @Override
  public RecordWatch watch(Consumer<ObservedRecord> listener) throws LockException {
    Objects.requireNonNull(listener, "listener");
    ObjectWatch watch = new ObjectWatch(listener);
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
            + namespace() + "; the lock needs get, create, update and watch on it (and create on 'events' to record "
            + "events); see the RBAC example in the lock-lease README", e);
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
   * A watch on the object by name from a read's resourceVersion, opened again from the last
   * resourceVersion seen after it closes with an error, or from a new read after 410 Gone.
   */
  private final class ObjectWatch implements RecordWatch {
    private final Consumer<T> delivery;
    private final Object deliveries = new Object();
    /** Whether the object existed in the state last read or delivered. Guarded by deliveries. */
    private boolean present;
    /** The newest resourceVersion read or delivered; null when none is known. Guarded by deliveries. */
    private String lastVersion;
    /** Counts the watches opened; events of an older one are ignored. Guarded by deliveries. */
    private int generation;
    private volatile boolean closed;
    private volatile Watch watch;

    ObjectWatch(Consumer<ObservedRecord> listener) {
      this.delivery = deliveryTo(listener, KubernetesObjectLock.this::read);
    }

    void start() throws LockException {
      T anchor = call("read starting the watch", () -> resource().get());
      String from = anchor == null ? null : anchor.getMetadata().getResourceVersion();
      synchronized (deliveries) {
        present = anchor != null;
        lastVersion = from;
      }
      try {
        connect(from);
      } catch (RuntimeException e) {
        close();
        throw translate(e, "watch");
      }
    }

    /** Opens a watch from {@code from} (null: from now, with the current object sent first). */
    private synchronized void connect(String from) {
      int g;
      synchronized (deliveries) {
        g = ++generation;
      }
      if (closed) {
        return;
      }
      ListOptions options = new ListOptionsBuilder().withResourceVersion(from).build();
      Watch w = resource().watch(options, new Watcher<T>() {
        @Override
        public void eventReceived(Action action, T object) {
          deliver(g, action, object);
        }

        @Override
        public void onClose(WatcherException cause) {
          reopenLater(cause.isHttpGone(), cause);
        }
      });
      watch = w;
      if (closed) {
        w.close();
      }
    }

    /** Opens the watch again from the last resourceVersion seen; scheduled after a close. */
    private void reopen() {
      String from;
      synchronized (deliveries) {
        from = lastVersion;
      }
      try {
        connect(from);
      } catch (KubernetesClientException e) {
        reopenLater(e.getCode() == 410, e);
      } catch (RuntimeException e) {
        reopenLater(false, e);
      }
    }

    /** After 410 Gone: reads the object, delivers it if it differs from the last state, and watches from the read. */
    private void resync() {
      if (closed) {
        return;
      }
      T now;
      try {
        now = resource().get();
      } catch (RuntimeException e) {
        reopenLater(true, e);
        return;
      }
      String from;
      synchronized (deliveries) {
        generation++;
        if (now == null) {
          from = null;
          if (present) {
            present = false;
            lastVersion = null;
            emit(null);
          }
        } else {
          from = now.getMetadata().getResourceVersion();
          boolean changed = !present || !Objects.equals(from, lastVersion);
          present = true;
          // The read is the new baseline, even if its resourceVersion is lower (a restored etcd).
          lastVersion = from;
          if (changed) {
            emit(now);
          }
        }
      }
      try {
        connect(from);
      } catch (KubernetesClientException e) {
        reopenLater(e.getCode() == 410, e);
      } catch (RuntimeException e) {
        reopenLater(false, e);
      }
    }

    private void deliver(int g, Watcher.Action action, T object) {
      synchronized (deliveries) {
        if (closed || g != generation) {
          return;
        }
        String version = object == null || object.getMetadata() == null ? null : object.getMetadata().getResourceVersion();
        if (action == Watcher.Action.DELETED) {
          lastVersion = newest(lastVersion, version);
          if (present) {
            present = false;
            emit(null);
          }
        } else if (action == Watcher.Action.ADDED || action == Watcher.Action.MODIFIED) {
          if (!isNewer(version, lastVersion)) {
            return; // the state read or already delivered, replayed (the mock server does so on every connect)
          }
          present = true;
          lastVersion = version;
          emit(object);
        }
      }
    }

    /** Delivers the object (null: deleted); guarded by deliveries, so calls never overlap and keep their order. */
    private void emit(T object) {
      if (closed) {
        return;
      }
      delivery.accept(object);
    }

    private void reopenLater(boolean readFirst, Exception cause) {
      if (closed) {
        return;
      }
      LOG.debug("{}: watch closed ({}); opening it again{}", describe(), cause,
          readFirst ? " from a new read" : " from the last resourceVersion seen");
      WATCH_RETRY.schedule(readFirst ? this::resync : this::reopen, 500, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
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

  private static String newest(String a, String b) {
    if (a == null) {
      return b;
    }
    return b == null || !isNewer(b, a) ? a : b;
  }
}
