package dev.baton.lock.lease;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kubernetes watch per (client, namespace, kind), shared by every lock watching an object of
 * that kind in that namespace through that client, informer-style: the watch selects the objects
 * labelled {@value #LABEL_KEY}{@code =}{@value #LABEL_VALUE} (which the locks put on every object
 * they create or update) and hands each event to the subscribers of the object's name.
 *
 * <p>Reference-counted: the first subscriber opens the watch (a list with {@code limit=1} for the
 * current resourceVersion, then a watch from it, so that the server does not replay every object),
 * and the last one to close closes it and forgets the client; nothing here keeps a client alive
 * that no lock watches on. Closing one subscription never touches the others.
 *
 * <p>fabric8 reconnects a broken watch itself from the last resourceVersion it saw; when it gives up
 * the watch is opened again here from the newest resourceVersion seen; after 410 Gone the namespace
 * is listed again with the selector, each subscriber gets its object's state from the list (or
 * learns that it left the selection), and the watch goes on from the list's resourceVersion. All
 * of it on one daemon thread for every watch of the process.
 *
 * <p>When the API server forbids the list or watch of the whole namespace (a Role that names its
 * objects), the watch is marked forbidden and its subscribers watch their objects by name instead.
 */
final class SharedWatches {
  private static final Logger LOG = LoggerFactory.getLogger(SharedWatches.class);

  /** The label the locks put on the objects they create and update, so that the shared watch selects them. */
  static final String LABEL_KEY = "leaderelection.baton.dev/lock";
  /** The label's value. */
  static final String LABEL_VALUE = "true";
  /** The label selector of the shared watch. */
  static final String SELECTOR = LABEL_KEY + "=" + LABEL_VALUE;

  /** One daemon thread re-opens every broken watch and re-anchors every lock watch, so a thousand locks cost one thread. */
  static final ScheduledExecutorService RETRY = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "baton-kubernetes-watch-retry");
    t.setDaemon(true);
    return t;
  });

  /** Guarded by itself. */
  private static final Map<Key, NamespaceWatch<?>> REGISTRY = new HashMap<>();
  /** Namespace watch requests made (first opens, re-opens and watches after a relist): for tests. */
  private static final AtomicLong WATCH_REQUESTS = new AtomicLong();

  private SharedWatches() {
  }

  /** What a shared watch tells a lock's watch about its object. Called with no lock of the shared watch's held but its event order. */
  interface Subscriber<T> {
    /** An event of the shared watch about the object (ADDED, MODIFIED or DELETED from the selection). */
    void onShared(Watcher.Action action, T object);

    /** After a relist: the object as listed, or {@code null} when it is not in the selection. */
    void onListed(T object);
  }

  /** A subscription; closing it never touches another. */
  interface Subscription extends AutoCloseable {
    /** Whether the shared watch delivers (false: the namespace watch is forbidden; watch by name). */
    boolean available();

    @Override
    void close();
  }

  /**
   * Registers {@code subscriber} for the object {@code name}, then makes sure the shared watch is
   * open and accepted by the API server (opening it when this is the first subscriber): events of
   * writes made after this returns reach the subscriber.
   *
   * @throws KubernetesClientException when the watch cannot be opened (other than 403, which makes
   *     the subscription unavailable)
   */
  static <T extends HasMetadata> Subscription subscribe(KubernetesClient client, String namespace, Class<T> type,
      String name, Subscriber<T> subscriber) {
    Key key = new Key(client, namespace, type);
    NamespaceWatch<T> shared;
    synchronized (REGISTRY) {
      @SuppressWarnings("unchecked")
      NamespaceWatch<T> existing = (NamespaceWatch<T>) REGISTRY.get(key);
      shared = existing != null ? existing : new NamespaceWatch<>(key, client, namespace, type);
      REGISTRY.put(key, shared);
      shared.subscribers.computeIfAbsent(name, n -> new CopyOnWriteArraySet<>()).add(subscriber);
      shared.count++;
    }
    Subscription subscription = new Subscription() {
      private boolean closed;

      @Override
      public boolean available() {
        return !shared.forbidden;
      }

      @Override
      public void close() {
        synchronized (this) {
          if (closed) {
            return;
          }
          closed = true;
        }
        unsubscribe(shared, name, subscriber);
      }
    };
    try {
      shared.ensureOpen();
    } catch (RuntimeException e) {
      subscription.close();
      throw e;
    }
    return subscription;
  }

  private static void unsubscribe(NamespaceWatch<?> shared, String name, Subscriber<?> subscriber) {
    boolean last;
    synchronized (REGISTRY) {
      shared.subscribers.computeIfPresent(name, (n, set) -> {
        set.remove(subscriber);
        return set.isEmpty() ? null : set;
      });
      last = --shared.count == 0;
      if (last) {
        REGISTRY.remove(shared.key);
      }
    }
    if (last) {
      shared.close();
    }
  }

  /** The subscribers of the shared watch of {@code client}'s {@code type} objects in {@code namespace}; 0 when there is none: for tests. */
  static int subscribers(KubernetesClient client, String namespace, Class<?> type) {
    synchronized (REGISTRY) {
      NamespaceWatch<?> w = REGISTRY.get(new Key(client, namespace, type));
      return w == null ? 0 : w.count;
    }
  }

  /** Namespace watch requests made since the JVM started: for tests. */
  static long watchRequests() {
    return WATCH_REQUESTS.get();
  }

  /** Whether {@code object} carries the label the shared watch selects. */
  static boolean labelled(HasMetadata object) {
    Map<String, String> labels = object.getMetadata() == null ? null : object.getMetadata().getLabels();
    return labels != null && LABEL_VALUE.equals(labels.get(LABEL_KEY));
  }

  static String resourceVersion(HasMetadata object) {
    return object == null || object.getMetadata() == null ? null : object.getMetadata().getResourceVersion();
  }

  /** Whether the client was closed (a watch on it is then never opened again). */
  static boolean closed(KubernetesClient client) {
    try {
      return client.getHttpClient() != null && client.getHttpClient().isClosed();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Identity of the client, namespace and kind. */
  private static final class Key {
    private final KubernetesClient client;
    private final String namespace;
    private final Class<?> type;

    Key(KubernetesClient client, String namespace, Class<?> type) {
      this.client = client;
      this.namespace = namespace;
      this.type = type;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.client == client && k.namespace.equals(namespace) && k.type == type;
    }

    @Override
    public int hashCode() {
      return (System.identityHashCode(client) * 31 + namespace.hashCode()) * 31 + type.hashCode();
    }
  }

  /** The watch of one namespace's labelled objects of one kind. */
  private static final class NamespaceWatch<T extends HasMetadata> {
    final Key key;
    private final KubernetesClient client;
    private final String namespace;
    private final Class<T> type;
    /** Subscribers by object name; modified under REGISTRY. */
    final Map<String, Set<Subscriber<T>>> subscribers = new ConcurrentHashMap<>();
    /** Guarded by REGISTRY. */
    int count;
    /** Opens and re-opens are one at a time. */
    private final Object opening = new Object();
    /** Event order: events, relists and generation changes are one at a time. */
    private final Object events = new Object();
    volatile Watch watch;
    volatile boolean forbidden;
    private volatile boolean closed;
    /** The newest resourceVersion seen. Guarded by events. */
    private String lastVersion;
    /** Counts the watches opened; events of an older one are ignored. Guarded by events. */
    private int generation;

    NamespaceWatch(Key key, KubernetesClient client, String namespace, Class<T> type) {
      this.key = key;
      this.client = client;
      this.namespace = namespace;
      this.type = type;
    }

    /** Opens the watch unless it is open (or being re-opened by fabric8 or the retry thread), or forbidden. */
    void ensureOpen() {
      synchronized (opening) {
        if (watch != null || forbidden || closed) {
          return;
        }
        try {
          // The current resourceVersion, cheaply: a watch from it sends no synthetic ADDED of every object.
          KubernetesResourceList<T> current = client.resources(type).inNamespace(namespace)
              .list(new ListOptionsBuilder().withLabelSelector(SELECTOR).withLimit(1L).build());
          String from = current.getMetadata() == null ? null : current.getMetadata().getResourceVersion();
          synchronized (events) {
            lastVersion = from;
          }
          connect(from);
        } catch (KubernetesClientException e) {
          if (e.getCode() == 403) {
            LOG.info("{}s in namespace {}: the API server forbids listing or watching them all ({}); each lock watches "
                + "its own by name instead of sharing one watch", type.getSimpleName(), namespace, e.getMessage());
            forbidden = true;
            return;
          }
          throw e;
        }
      }
    }

    /** Opens a watch from {@code from} (null: from now). Holds opening. */
    private void connect(String from) {
      synchronized (opening) {
        int g;
        synchronized (events) {
          g = ++generation;
        }
        if (closed) {
          return;
        }
        ListOptions options = new ListOptionsBuilder().withLabelSelector(SELECTOR).withResourceVersion(from).build();
        WATCH_REQUESTS.incrementAndGet();
        Watch w = client.resources(type).inNamespace(namespace).watch(options, new Watcher<T>() {
          @Override
          public void eventReceived(Action action, T object) {
            received(g, action, object);
          }

          @Override
          public void onClose(WatcherException cause) {
            broken(g, cause.isHttpGone(), cause);
          }
        });
        watch = w;
        if (closed) {
          w.close();
        }
      }
    }

    private void received(int g, Watcher.Action action, T object) {
      if (object == null || object.getMetadata() == null || object.getMetadata().getName() == null) {
        return;
      }
      if (action != Watcher.Action.ADDED && action != Watcher.Action.MODIFIED && action != Watcher.Action.DELETED) {
        return;
      }
      synchronized (events) {
        if (closed || g != generation) {
          return;
        }
        lastVersion = KubernetesObjectLock.newest(lastVersion, resourceVersion(object));
        Set<Subscriber<T>> set = subscribers.get(object.getMetadata().getName());
        if (set != null) {
          for (Subscriber<T> s : set) {
            try {
              s.onShared(action, object);
            } catch (Throwable e) { // one subscriber's failure neither skips the others nor reaches fabric8's thread
              LOG.warn("{} watch of namespace {}: a subscriber failed: {}", type.getSimpleName(), namespace, e.toString());
            }
          }
        }
      }
    }

    private void broken(int g, boolean gone, Exception cause) {
      synchronized (events) {
        if (g != generation) {
          return;
        }
      }
      later(gone, cause);
    }

    private void later(boolean gone, Exception cause) {
      if (closed) {
        return;
      }
      if (closed(client)) {
        LOG.debug("{} watch of namespace {}: the client was closed; not opening it again", type.getSimpleName(), namespace);
        return;
      }
      LOG.debug("{} watch of namespace {} closed ({}); opening it again{}", type.getSimpleName(), namespace, cause,
          gone ? " after listing the namespace" : " from the last resourceVersion seen");
      RETRY.schedule(gone ? this::relist : this::reopen, 500, TimeUnit.MILLISECONDS);
    }

    private void reopen() {
      String from;
      synchronized (events) {
        from = lastVersion;
      }
      try {
        connect(from);
      } catch (KubernetesClientException e) {
        later(e.getCode() == 410, e);
      } catch (RuntimeException e) {
        later(false, e);
      }
    }

    /** After 410 Gone: lists the selection, tells each subscriber its object's state, and watches from the list. */
    private void relist() {
      if (closed) {
        return;
      }
      KubernetesResourceList<T> list;
      try {
        list = client.resources(type).inNamespace(namespace).list(new ListOptionsBuilder().withLabelSelector(SELECTOR).build());
      } catch (RuntimeException e) {
        later(true, e);
        return;
      }
      String from = list.getMetadata() == null ? null : list.getMetadata().getResourceVersion();
      synchronized (events) {
        generation++;
        lastVersion = from;
        Map<String, T> byName = new HashMap<>();
        List<T> items = list.getItems() == null ? List.of() : list.getItems();
        for (T item : items) {
          byName.put(item.getMetadata().getName(), item);
        }
        subscribers.forEach((name, set) -> {
          T object = byName.get(name);
          for (Subscriber<T> s : set) {
            try {
              s.onListed(object);
            } catch (Throwable e) {
              LOG.warn("{} watch of namespace {}: a subscriber failed: {}", type.getSimpleName(), namespace, e.toString());
            }
          }
        });
      }
      try {
        connect(from);
      } catch (KubernetesClientException e) {
        later(e.getCode() == 410, e);
      } catch (RuntimeException e) {
        later(false, e);
      }
    }

    void close() {
      closed = true;
      Watch w = watch;
      if (w != null) {
        w.close();
      }
    }
  }
}
