package dev.baton.lock.etcd;

import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The etcd watches of every {@link EtcdLock}, shared: <b>one etcd watch stream per jetcd
 * {@link Client} and key directory</b> {@code <prefix>/<namespace>/}, informer-style, however many
 * locks of that namespace watch on that client. jetcd opens one gRPC stream per
 * {@link Watch.Watcher}, so a watcher per lock would cost ten thousand streams for ten thousand
 * electors; here they cost one.
 *
 * <p><b>Registry.</b> Streams are keyed by the client's identity (never its {@code equals}) and the
 * directory. The first subscriber creates the entry, the last one to close removes it and closes
 * the stream, so the registry never keeps a client reachable once nothing watches on it. A lock
 * closes its own subscriptions when it is closed.
 *
 * <p><b>Known point with a shared stream.</b> A subscription is first <em>registered</em> (from then
 * on the stream hands it every event of its key, which it buffers), and only then does the lock read
 * the key: the anchor, at header revision R. The subscription then applies the buffered and later
 * events whose revision is above R, and drops the rest. Nothing is lost: whatever the stream
 * dispatched before the registration was committed before the read (so at or below R); everything
 * after is seen. When the stream is not open yet, the first anchor opens it at R + 1 (etcd replays
 * from there however late the watch registers). If two first subscribers race and the stream was
 * opened from a later anchor than a subscriber's own read, that subscriber reads again: a read that
 * starts after the stream was opened is never older than the stream's start.
 *
 * <p><b>Breaks.</b> A broken stream is opened again from the revision after the last one it
 * dispatched, on the one daemon retry thread of the module; jetcd's own resumption is never used
 * (the watcher is closed at the first error: jetcd resumes from the header revision of the watch's
 * creation, which may be past replayed events not yet received). When etcd cannot serve that revision
 * (compacted while the stream was cut, or a revision it does not have, as after a restore), the
 * stream resyncs: it reads the whole directory at one revision Q (in pages), hands each subscriber its
 * key's state at Q (the record, or absent), which the subscriber delivers only when it differs from
 * the last state it had (by mod revision; a deleted key included), and opens the stream again from
 * Q + 1. The writes in between are lost to the compaction; the current state is not.
 *
 * <p><b>Per subscription, monotonic.</b> Each subscription remembers the highest revision it has
 * applied and ignores anything at or below it, so it never delivers a write twice or out of order,
 * whatever overlaps a reopen or resync produces.
 *
 * <p><b>Threads and listeners.</b> No thread per lock or stream: events are dispatched on jetcd's
 * event-loop thread, resync results on the thread completing the read, reopening on the one retry
 * thread. All deliveries of one stream are serialised (one dispatch monitor per stream, so each
 * subscription sees revision order), so a listener that blocks delays every other lock of its
 * namespace on that client: listeners must return quickly, as the elector's do (it only schedules a
 * wake-up). Closing a subscription waits for a delivery to it that is in flight, after which its
 * listener is never called again; it never touches another subscription, and closing the last one
 * closes the stream.
 *
 * <p>Lock order: stream dispatch monitor, then a subscription's monitor, then the registry monitor.
 * jetcd calls {@code onError}/{@code onCompleted} while holding its own watch monitor, so those two
 * callbacks take no lock at all: they only invalidate the attempt and schedule the reopen.
 */
final class SharedEtcdWatch {
  private static final Logger LOG = LoggerFactory.getLogger(SharedEtcdWatch.class);

  /** One daemon thread re-opens every broken stream of every client, so a thousand locks cost one thread. */
  private static final ScheduledExecutorService RETRY = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "baton-etcd-watch-retry");
    t.setDaemon(true);
    return t;
  });

  /** How many keys one page of a resync reads. */
  static final int RESYNC_PAGE = 500;

  private static final Object REGISTRY = new Object();
  /** Guarded by {@link #REGISTRY}. */
  private static final Map<StreamId, Stream> STREAMS = new HashMap<>();
  /** jetcd watchers (each one gRPC watch stream) open right now, over every client. */
  private static final AtomicInteger OPEN_WATCHERS = new AtomicInteger();
  /** jetcd watchers opened since the class loaded, reopenings included. */
  private static final AtomicLong WATCHERS_OPENED = new AtomicLong();

  private SharedEtcdWatch() {
  }

  /** The number of jetcd watchers (gRPC watch streams) the module holds open now. */
  static int openWatchers() {
    return OPEN_WATCHERS.get();
  }

  /** The number of jetcd watchers opened since the class loaded (first opens and reopens). */
  static long watchersOpened() {
    return WATCHERS_OPENED.get();
  }

  /** The number of shared streams in the registry (one per client and directory with a subscriber). */
  static int streams() {
    synchronized (REGISTRY) {
      return STREAMS.size();
    }
  }

  /** The number of subscriptions of {@code client}'s stream of {@code directory}; 0 when there is none. */
  static int subscribers(Client client, String directory) {
    synchronized (REGISTRY) {
      Stream s = STREAMS.get(new StreamId(client, directory));
      return s == null ? 0 : s.subscriberCount;
    }
  }

  /**
   * Registers a subscription to {@code key} on the shared stream of {@code client} and
   * {@code directory} (created if there is none). It delivers nothing until
   * {@link Subscription#anchor} is given a read of the key made after this call.
   *
   * @param client the jetcd client
   * @param directory the key directory {@code <prefix>/<namespace>/}, which {@code key} is in
   * @param key the key
   * @param timeout the bound of a resync read (the first subscriber's is the stream's)
   * @param delivery the lock's delivery step: the stored bytes, {@code null} for a deletion
   * @return the subscription, to be anchored or closed
   */
  static Subscription subscribe(Client client, String directory, ByteSequence key, Duration timeout,
      Consumer<byte[]> delivery) {
    synchronized (REGISTRY) {
      StreamId id = new StreamId(client, directory);
      Stream stream = STREAMS.computeIfAbsent(id, i -> new Stream(i, timeout));
      Subscription sub = new Subscription(stream, key, delivery);
      stream.byKey.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(sub);
      stream.subscriberCount++;
      return sub;
    }
  }

  /** A client by identity and a directory. */
  private record StreamId(Client client, String directory) {
    @Override
    public boolean equals(Object o) {
      return o instanceof StreamId other && other.client == client && other.directory.equals(directory);
    }

    @Override
    public int hashCode() {
      return 31 * System.identityHashCode(client) + directory.hashCode();
    }

    @Override
    public String toString() {
      return "etcd watch of " + directory + "*";
    }
  }

  /** A state of a key for a subscription: the record or absent ({@code kv} null) at {@code revision}. */
  private record Item(KeyValue kv, long revision, boolean resync, boolean rewind) {
  }

  /** One watcher of a stream: its generation, and the jetcd watcher once it exists. */
  private static final class Attempt {
    final int generation;
    private Watch.Watcher watcher;
    private boolean closed;

    Attempt(int generation) {
      this.generation = generation;
    }

    /** Takes the jetcd watcher opened for this attempt; closes it at once when the attempt was closed meanwhile. */
    void set(Watch.Watcher w) {
      OPEN_WATCHERS.incrementAndGet();
      WATCHERS_OPENED.incrementAndGet();
      synchronized (this) {
        if (!closed) {
          watcher = w;
          return;
        }
      }
      OPEN_WATCHERS.decrementAndGet();
      w.close(); // broken before jetcd even returned it
    }

    /** Closes the jetcd watcher, once; its callbacks are ignored by then (the generation moved on). */
    void close() {
      Watch.Watcher w;
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        w = watcher;
        watcher = null;
      }
      if (w != null) {
        OPEN_WATCHERS.decrementAndGet();
        w.close();
      }
    }
  }

  /** The shared stream of one client and directory. */
  private static final class Stream {
    private static final long NOT_STARTED = 0;

    final StreamId id;
    final ByteSequence directory;
    final Duration timeout;
    final ConcurrentHashMap<ByteSequence, CopyOnWriteArrayList<Subscription>> byKey = new ConcurrentHashMap<>();
    /** Guarded by {@link #REGISTRY}. */
    int subscriberCount;

    /** Serialises dispatching, opening and closing; guards the fields below. */
    final Object dispatch = new Object();
    private long startRevision = NOT_STARTED;
    private long nextRevision;
    private volatile Attempt current;
    private volatile boolean closed;
    /** Bumped to invalidate the current attempt (its events and callbacks are then ignored). */
    final AtomicInteger generation = new AtomicInteger();
    final AtomicBoolean reopenScheduled = new AtomicBoolean();
    volatile boolean resyncNeeded;

    Stream(StreamId id, Duration timeout) {
      this.id = id;
      this.directory = ByteSequence.from(id.directory(), StandardCharsets.UTF_8);
      this.timeout = timeout;
    }

    /**
     * Makes sure the stream covers every revision after {@code anchorRevision}: opens it from
     * there if it is not open yet. Called under {@link #dispatch}.
     *
     * @return false when the stream was opened from a later revision (the caller reads again)
     */
    boolean coverFrom(long anchorRevision) {
      if (closed) {
        throw new IllegalStateException(id + " is closed");
      }
      if (startRevision == NOT_STARTED) {
        startRevision = anchorRevision + 1;
        nextRevision = startRevision;
        open();
        return true;
      }
      return anchorRevision + 1 >= startRevision;
    }

    /** Opens a jetcd watcher from {@link #nextRevision}. Under {@link #dispatch}. */
    private void open() {
      Attempt attempt = new Attempt(generation.incrementAndGet());
      current = attempt;
      WatchOption option = WatchOption.builder().isPrefix(true).withRevision(nextRevision).build();
      Watch.Watcher w;
      try {
        w = id.client().getWatchClient().watch(directory, option, listener(attempt));
      } catch (RuntimeException e) {
        // The client is closed (or unusable): there is nothing to retry with. The subscriptions
        // stay registered until their locks close them; polling still covers the elector.
        LOG.warn("{}: cannot open the etcd watch ({}); deliveries stop", id, e.toString());
        return;
      }
      attempt.set(w);
    }

    private Watch.Listener listener(Attempt attempt) {
      return new Watch.Listener() {
        @Override
        public void onNext(WatchResponse response) {
          dispatchEvents(attempt, response);
        }

        @Override
        public void onError(Throwable error) {
          if (cannotResume(error)) {
            resyncNeeded = true;
          }
          broken(attempt.generation, error);
        }

        @Override
        public void onCompleted() {
          broken(attempt.generation, null);
        }
      };
    }

    private void dispatchEvents(Attempt attempt, WatchResponse response) {
      synchronized (dispatch) {
        if (closed || generation.get() != attempt.generation) {
          return;
        }
        for (WatchEvent event : response.getEvents()) {
          KeyValue kv = event.getKeyValue();
          long revision = kv.getModRevision();
          nextRevision = Math.max(nextRevision, revision + 1);
          List<Subscription> subs = byKey.get(kv.getKey());
          if (subs != null) {
            Item item = new Item(event.getEventType() == WatchEvent.EventType.DELETE ? null : kv, revision, false,
                false);
            for (Subscription sub : subs) {
              sub.offer(item);
            }
          }
        }
      }
    }

    /** etcd cancels a watch for good when its start revision is compacted or in the future. */
    private static boolean cannotResume(Throwable error) {
      return error instanceof CompactedException
          || (error instanceof EtcdException e && e.getErrorCode() == ErrorCode.OUT_OF_RANGE);
    }

    /**
     * The attempt of {@code gen} ended (or a resync of it failed): invalidates it, closes its jetcd
     * watcher at once (so jetcd does not resume it on its own) and schedules one reopen. Takes no
     * lock: jetcd calls this holding its watch monitor.
     */
    private void broken(int gen, Throwable error) {
      if (!generation.compareAndSet(gen, gen + 1)) {
        return; // an older attempt, or this one already handled
      }
      Attempt a = current;
      if (a != null && a.generation == gen) {
        a.close();
      }
      scheduleReopen(error);
    }

    private void scheduleReopen(Throwable error) {
      if (closed || !reopenScheduled.compareAndSet(false, true)) {
        return;
      }
      LOG.debug("{}: watch ended ({}); re-establishing{}", id, error == null ? "completed" : error.toString(),
          resyncNeeded ? " from the directory's current state" : " from revision " + nextRevision);
      RETRY.schedule(this::reopen, Math.min(1000, Math.max(100, timeout.toMillis() / 4)), TimeUnit.MILLISECONDS);
    }

    private void reopen() {
      synchronized (dispatch) {
        reopenScheduled.set(false);
        if (closed) {
          return;
        }
        if (current != null) {
          current.close();
        }
        if (resyncNeeded) {
          resync();
        } else {
          open();
        }
      }
    }

    /**
     * Reads the whole directory at one revision, page by page, hands every subscription its key's
     * state, and opens the stream from just after the read. Under {@link #dispatch}; the reads
     * complete on other threads.
     */
    private void resync() {
      Attempt attempt = new Attempt(generation.incrementAndGet()); // no watcher: only the generation
      current = attempt;
      readPage(attempt.generation, directory, 0, new HashMap<>());
    }

    private void readPage(int gen, ByteSequence from, long revision, Map<ByteSequence, KeyValue> state) {
      GetOption.Builder option = GetOption.builder().withRange(OptionsUtil.prefixEndOf(directory))
          .withLimit(RESYNC_PAGE);
      if (revision != 0) {
        option.withRevision(revision);
      }
      CompletableFuture<GetResponse> read;
      try {
        read = id.client().getKVClient().get(from, option.build());
      } catch (RuntimeException e) {
        LOG.warn("{}: watch stopped, cannot read the directory: {}", id, e.toString());
        return;
      }
      read.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((response, error) -> {
        if (error != null) {
          // A compaction of the page revision under the read fails it too: resync again.
          broken(gen, error);
          return;
        }
        long at = revision != 0 ? revision : response.getHeader().getRevision();
        List<KeyValue> kvs = response.getKvs();
        for (KeyValue kv : kvs) {
          state.put(kv.getKey(), kv);
        }
        if (response.isMore() && !kvs.isEmpty()) {
          byte[] last = kvs.get(kvs.size() - 1).getKey().getBytes();
          byte[] next = java.util.Arrays.copyOf(last, last.length + 1); // the smallest key after it
          readPage(gen, ByteSequence.from(next), at, state);
          return;
        }
        finishResync(gen, at, state);
      });
    }

    private void finishResync(int gen, long at, Map<ByteSequence, KeyValue> state) {
      synchronized (dispatch) {
        if (closed || generation.get() != gen) {
          return;
        }
        // Below what was already dispatched: etcd's history was rewound (a restore). Revisions seen
        // before mean nothing any more, so this state is taken whatever they were.
        boolean rewind = at + 1 < nextRevision;
        for (Map.Entry<ByteSequence, CopyOnWriteArrayList<Subscription>> e : byKey.entrySet()) {
          Item item = new Item(state.get(e.getKey()), at, true, rewind);
          for (Subscription sub : e.getValue()) {
            sub.offer(item);
          }
        }
        LOG.debug("{}: resynced at revision {} ({} keys)", id, at, state.size());
        resyncNeeded = false;
        nextRevision = at + 1;
        open();
      }
    }

    /** Closes the stream for good, once its last subscription left the registry. */
    void shutdown() {
      synchronized (dispatch) {
        closed = true;
        generation.incrementAndGet();
        if (current != null) {
          current.close();
        }
      }
    }
  }

  /** One lock's watch of its key on a shared stream. */
  static final class Subscription implements WatchableResourceLock.RecordWatch {
    private static final long UNKNOWN = -1;

    private final Stream stream;
    private final ByteSequence key;
    private final Consumer<byte[]> delivery;
    // Guarded by this.
    private boolean closed;
    private boolean anchored;
    /** The highest revision applied: the anchor's, then each delivered or resynced state's. */
    private long lastRevision = UNKNOWN;
    /** The mod revision of the state last known (anchored, delivered or resynced), 0 when absent. */
    private long knownModRevision = UNKNOWN;
    /** What the stream handed over before the anchor, in order. */
    private List<Item> pending = new ArrayList<>();

    private Subscription(Stream stream, ByteSequence key, Consumer<byte[]> delivery) {
      this.stream = stream;
      this.key = key;
      this.delivery = delivery;
    }

    /**
     * Anchors the subscription at a read of its key made after it was registered: the read's state
     * is known (not delivered); the buffered and later events above the read's revision are
     * delivered. Opens the stream from just after the read when it is not open yet.
     *
     * @param read a read of the key that started after {@link #subscribe}
     * @return false when the stream was opened from a later revision than this read's: read again
     */
    boolean anchor(GetResponse read) {
      long revision = read.getHeader().getRevision();
      KeyValue kv = read.getKvs().isEmpty() ? null : read.getKvs().get(0);
      synchronized (stream.dispatch) {
        if (!stream.coverFrom(revision)) {
          return false;
        }
        synchronized (this) {
          if (closed) {
            return true;
          }
          lastRevision = revision;
          knownModRevision = kv == null ? 0 : kv.getModRevision();
          anchored = true;
          List<Item> before = pending;
          pending = null;
          for (Item item : before) {
            apply(item);
          }
        }
      }
      return true;
    }

    /** Called under the stream's dispatch monitor. */
    void offer(Item item) {
      synchronized (this) {
        if (closed) {
          return;
        }
        if (!anchored) {
          pending.add(item);
          return;
        }
        apply(item);
      }
    }

    private void apply(Item item) {
      if (item.revision() <= lastRevision && !item.rewind()) {
        return; // known already: at or before the anchor, or seen before a reopen
      }
      lastRevision = item.revision();
      long state = item.kv() == null ? 0 : item.kv().getModRevision();
      if (item.resync() && state == knownModRevision) {
        return; // unchanged since the last state this subscription had
      }
      knownModRevision = state;
      delivery.accept(item.kv() == null ? null : item.kv().getValue().getBytes());
    }

    /** Stops the deliveries (waiting for one in flight) and leaves the stream; the last one closes it. */
    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        pending = null;
      }
      boolean last;
      synchronized (REGISTRY) {
        CopyOnWriteArrayList<Subscription> subs = stream.byKey.get(key);
        if (subs != null) {
          subs.remove(this);
          if (subs.isEmpty()) {
            stream.byKey.remove(key);
          }
        }
        last = --stream.subscriberCount == 0;
        if (last) {
          STREAMS.remove(stream.id, stream);
        }
      }
      if (last) {
        stream.shutdown();
      }
    }
  }
}
