package dev.baton.lock.lease;

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
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Resource;
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
 * written back with its resourceVersion (so every write is compare-and-set), watched by name.
 *
 * @param <T> the object's type
 */
abstract class KubernetesObjectLock<T extends HasMetadata> implements WatchableResourceLock, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesObjectLock.class);

  /** One daemon thread re-opens every closed watch of every lock, so a thousand locks cost one thread. */
  private static final ScheduledExecutorService WATCH_RETRY = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "baton-kubernetes-watch-retry");
    t.setDaemon(true);
    return t;
  });

  final KubernetesClient client;
  private final boolean ownsClient;
  final String namespace;
  final String name;
  final ResourceLockConfig config;
  final Map<String, String> labels;
  private final Class<T> type;
  private T cached;

  KubernetesObjectLock(Class<T> type, String kind, KubernetesClient client, boolean ownsClient, String namespace,
      String name, ResourceLockConfig config, Map<String, String> labels) {
    this.type = type;
    this.client = Objects.requireNonNull(client, "client");
    this.ownsClient = ownsClient;
    this.namespace = KubernetesNames.namespace(namespace);
    this.name = KubernetesNames.name(name, kind);
    this.config = Objects.requireNonNull(config, "config");
    this.labels = Map.copyOf(labels);
  }

  /** The record (with its raw bytes) the object holds. */
  abstract ObservedRecord read(T object) throws CorruptRecordException;

  /** A new object holding {@code record}, named and labelled. */
  abstract T newObject(LeaderElectionRecord record);

  /** {@code current} with {@code record} written into it; may modify and return it. */
  abstract T withRecord(T current, LeaderElectionRecord record);

  private Resource<T> resource() {
    return client.resources(type).inNamespace(namespace).withName(name);
  }

  @Override
  public synchronized ObservedRecord get() throws LockException {
    T object = call("get", () -> resource().get());
    if (object == null) {
      throw new RecordNotFoundException(describe(), null);
    }
    ObservedRecord observed = read(object);
    cached = object;
    return observed;
  }

  @Override
  public synchronized void create(LeaderElectionRecord record) throws LockException {
    T object = newObject(record);
    try {
      cached = client.resource(object).create();
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
    if (cached == null) {
      throw new IllegalStateException("update() on " + describe() + " before get() or create(): the lock has no "
          + "resourceVersion to compare against; call get() first");
    }
    T object = withRecord(copy(cached), record);
    if (!labels.isEmpty()) {
      Map<String, String> merged = new java.util.LinkedHashMap<>(
          object.getMetadata().getLabels() == null ? Map.of() : object.getMetadata().getLabels());
      merged.putAll(labels);
      object.getMetadata().setLabels(merged);
    }
    try {
      cached = client.resource(object).update();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || e.getCode() == 404) {
        throw new UpdateConflictException(describe(), e.getCode() == 409
            ? "resourceVersion " + cached.getMetadata().getResourceVersion() + " is no longer current"
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

  @Override
  public void recordEvent(String message) {
    T subject;
    synchronized (this) {
      subject = cached;
    }
    config.recordLeaderEvent(subject == null ? describe() : subject, message);
  }

  @Override
  public String identity() {
    return config.identity();
  }

  @Override
  public String describe() {
    return namespace + "/" + name;
  }

  /** The resourceVersion of the object last read or written, when it is a number (the API server's is). */
  @Override
  public synchronized OptionalLong revision() {
    if (cached == null || cached.getMetadata().getResourceVersion() == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(cached.getMetadata().getResourceVersion()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public RecordWatch watch(Consumer<ObservedRecord> listener) {
    Objects.requireNonNull(listener, "listener");
    return new ObjectWatch(listener).start();
  }

  /** Closes the client if this lock built it. */
  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + describe() + ", identity=" + identity() + "}";
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
      if (code == 401 || code == 403) {
        return new LockException(describe(), server + " refused the " + what + " of " + describe() + " (HTTP " + code
            + "): grant get, create and update on this object's kind in namespace " + namespace + " (see the RBAC Role "
            + "in the lock-lease README)", e);
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

  /** A watch on the object by name, opened again after it closes with an error. */
  private final class ObjectWatch implements RecordWatch {
    private final Consumer<ObservedRecord> listener;
    private volatile boolean closed;
    private volatile Watch watch;

    ObjectWatch(Consumer<ObservedRecord> listener) {
      this.listener = listener;
    }

    ObjectWatch start() {
      open();
      return this;
    }

    private synchronized void open() {
      if (closed) {
        return;
      }
      try {
        watch = resource().watch(new Watcher<T>() {
          @Override
          public void eventReceived(Action action, T object) {
            deliver(action, object);
          }

          @Override
          public void onClose(WatcherException cause) {
            reopenLater(cause);
          }
        });
      } catch (RuntimeException e) {
        reopenLater(e);
      }
    }

    private void deliver(Watcher.Action action, T object) {
      if (closed) {
        return;
      }
      try {
        if (action == Watcher.Action.DELETED) {
          listener.accept(null);
        } else if (action == Watcher.Action.ADDED || action == Watcher.Action.MODIFIED) {
          listener.accept(read(object));
        }
      } catch (CorruptRecordException corrupt) {
        LOG.debug("{}: not delivering a corrupt record: {}", describe(), corrupt.getMessage());
      } catch (RuntimeException e) {
        LOG.warn("{}: watch listener failed: {}", describe(), e.toString());
      }
    }

    private void reopenLater(Exception cause) {
      if (closed) {
        return;
      }
      LOG.debug("{}: watch closed ({}); opening it again", describe(), cause);
      WATCH_RETRY.schedule(this::open, 500, TimeUnit.MILLISECONDS);
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
}
