package dev.baton.lock.etcd;

import dev.baton.leaderelection.resourcelock.AbstractResourceLock;
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
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock on etcd (type {@code etcd}): the record's client-go JSON encoding stored under the key
 * {@code <prefix>/<namespace>/<name>}.
 *
 * <ul>
 *   <li>{@link #create} is a transaction that puts the key only if its create revision is 0 (it does
 *       not exist); otherwise {@link RecordAlreadyExistsException}.</li>
 *   <li>{@link #update} is a transaction that puts the key only if its mod revision is still the one
 *       this instance last read or wrote; otherwise {@link UpdateConflictException}.</li>
 *   <li>{@link #get} returns the stored bytes unchanged; {@link #revision()} is the key's mod
 *       revision, which etcd increases with every write (the fencing source).</li>
 *   <li>{@link #watch} reads the key and follows it with an etcd watch from just after that read's
 *       revision, so no write after {@code watch} returns can be missed; a broken watch is
 *       re-established from the last revision seen.</li>
 * </ul>
 *
 * <p>Every call is bounded by the settings' timeout; an unreachable cluster is a
 * {@link TransientLockException} naming the endpoints, a refused login or a failed TLS handshake a
 * {@link LockException} saying so. No jetcd or gRPC exception type leaves this class. The password
 * is never printed. {@link #close()} closes the client only when the lock built it (through
 * {@link EtcdLockProvider}); a client given to the constructor stays open.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class EtcdLock extends AbstractResourceLock<Long> implements WatchableResourceLock {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdLock.class);

  /** One daemon thread re-opens every broken watch of every lock, so a thousand locks cost one thread. */
  private static final ScheduledExecutorService WATCH_RETRY = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "baton-etcd-watch-retry");
    t.setDaemon(true);
    return t;
  });

  private final Client client;
  private final String key;
  private final ByteSequence keyBytes;
  private final String endpoints;

  /**
   * A lock on a client the caller owns and closes.
   *
   * @param client the jetcd client
   * @param prefix the key prefix, such as {@value EtcdLockSettings#DEFAULT_PREFIX}
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @param config the candidate's identity and event recorder
   * @param timeout the bound of every call
   */
  public EtcdLock(Client client, String prefix, String namespace, String name, ResourceLockConfig config,
      Duration timeout) {
    this(client, false, prefix, namespace, name, config, timeout, "the given client");
  }

  EtcdLock(Client client, boolean ownsClient, String prefix, String namespace, String name, ResourceLockConfig config,
      Duration timeout, String endpoints) {
    super(segment(namespace, "namespace"), segment(name, "name"), config, Objects.requireNonNull(timeout, "timeout"),
        ownsClient ? Objects.requireNonNull(client, "client") : null);
    this.client = Objects.requireNonNull(client, "client");
    this.key = key(prefix, namespace, name);
    this.keyBytes = ByteSequence.from(key, StandardCharsets.UTF_8);
    this.endpoints = endpoints;
  }

  /**
   * The key a lock's record is stored under.
   *
   * @param prefix the key prefix
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @return {@code <prefix>/<namespace>/<name>}
   */
  public static String key(String prefix, String namespace, String name) {
    String p = Objects.requireNonNull(prefix, "prefix");
    return (p.endsWith("/") ? p : p + "/") + segment(namespace, "namespace") + "/" + segment(name, "name");
  }

  private static String segment(String value, String what) {
    if (value == null || value.isBlank() || value.contains("/")) {
      throw new IllegalArgumentException("the etcd lock's " + what + " must be non-empty and contain no '/'; got '"
          + value + "'");
    }
    return value;
  }

  @Override
  public synchronized ObservedRecord get() throws LockException {
    GetResponse response = await(() -> client.getKVClient().get(keyBytes), "get");
    if (response.getKvs().isEmpty()) {
      throw new RecordNotFoundException(describe(), null);
    }
    KeyValue kv = response.getKvs().get(0);
    return observe(kv.getValue().getBytes(), kv.getModRevision());
  }

  @Override
  public synchronized void create(LeaderElectionRecord record) throws LockException {
    ByteSequence value = ByteSequence.from(LeaderElectionRecordCodec.encode(record));
    TxnResponse response = await(() -> client.getKVClient().txn()
        .If(new Cmp(keyBytes, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
        .Then(Op.put(keyBytes, value, PutOption.DEFAULT))
        .commit(), "create");
    if (!response.isSucceeded()) {
      throw new RecordAlreadyExistsException(describe(), null);
    }
    remember(response.getHeader().getRevision());
  }

  @Override
  public synchronized void update(LeaderElectionRecord record) throws LockException {
    long expected = expectedVersion();
    ByteSequence value = ByteSequence.from(LeaderElectionRecordCodec.encode(record));
    TxnResponse response = await(() -> client.getKVClient().txn()
        .If(new Cmp(keyBytes, Cmp.Op.EQUAL, CmpTarget.modRevision(expected)))
        .Then(Op.put(keyBytes, value, PutOption.DEFAULT))
        .commit(), "update");
    if (!response.isSucceeded()) {
      throw new UpdateConflictException(describe(), "the key " + key + " is no longer at mod revision "
          + expected, null);
    }
    remember(response.getHeader().getRevision());
  }

  @Override
  protected String backendHint() {
    return "etcd key " + key + " at " + endpoints;
  }

  /** The key's mod revision, which etcd increases with every write. */
  @Override
  protected OptionalLong revisionOf(Long modRevision) {
    return OptionalLong.of(modRevision);
  }

  /** The key this lock's record is stored under. */
  public String key() {
    return key;
  }

  /**
   * Follows the key from a known point. This reads the key (bounded by the lock's timeout, failing
   * as {@link #get} fails), and starts an etcd watch at the read's store revision + 1: etcd then
   * replays every write after the read, however long the watch takes to register, so every write
   * committed after this method returns is delivered, each one, in revision order. The state read
   * is not delivered (see {@link WatchableResourceLock#watch}); it is what later deliveries are
   * compared with after a resync. The read is the watch's own: it does not change the mod
   * revision the next {@link #update} compares against, nor {@link #revision()}.
   *
   * <p>When the watch breaks it is opened again from the revision after the last one delivered.
   * When etcd can no longer serve from there (compacted, or a revision it does not have, as after
   * a restore), the watch reads the key again, delivers that state if it differs from the last one
   * delivered (the writes in between are lost to the compaction), and goes on from just after
   * that read.
   *
   * @param listener receives each change after the read
   * @return the running watch
   * @throws TransientLockException when etcd cannot be reached within the timeout
   * @throws LockException when etcd refuses the read (authentication, TLS)
   */
  @Override
  public RecordWatch watch(Consumer<ObservedRecord> listener) throws LockException {
    Objects.requireNonNull(listener, "listener");
    KeyWatch watch = new KeyWatch(listener);
    // The anchor: a read of the key, with the store revision it was made at. Not under this lock's
    // monitor and never written to lastModRevision, so it cannot move the next update's precondition.
    GetResponse anchor = await(() -> client.getKVClient().get(keyBytes), "read starting the watch");
    try {
      watch.startAfter(anchor);
    } catch (RuntimeException e) {
      watch.close();
      throw EtcdErrors.translate(e, "watch of key " + key, describe(), endpoints);
    }
    return watch;
  }

  private <T> T await(Supplier<CompletableFuture<T>> call, String what) throws LockException {
    return EtcdErrors.await(call, timeout(), what + " of key " + key, describe(), endpoints);
  }

  /**
   * A watch on the key from just after a read, re-established after errors from the last revision
   * it saw. When etcd can no longer serve from there (compacted, or a revision etcd does not have
   * yet, as after a restore), it reads the key as it is now, delivers it if it changed, and watches
   * from just after that read.
   */
  private final class KeyWatch implements RecordWatch {
    private static final long UNKNOWN = -1;

    private final Consumer<byte[]> delivery;
    private final AtomicLong nextRevision = new AtomicLong();
    private final Object deliveries = new Object();
    /** The mod revision of the state read at the start or delivered since, 0 when the key is absent. */
    private long deliveredModRevision = UNKNOWN;
    /** Set while a reopen is scheduled, so one break (onError then onCompleted) schedules one. */
    private final AtomicBoolean reopening = new AtomicBoolean();
    private volatile boolean resync;
    private volatile boolean closed;
    private volatile Watch.Watcher watcher;

    KeyWatch(Consumer<ObservedRecord> listener) {
      this.delivery = deliveryTo(listener);
    }

    /** Takes {@code anchor}'s state as already known (not delivered) and watches from its revision + 1. */
    void startAfter(GetResponse anchor) {
      KeyValue kv = anchor.getKvs().isEmpty() ? null : anchor.getKvs().get(0);
      synchronized (deliveries) {
        deliveredModRevision = kv == null ? 0 : kv.getModRevision();
      }
      nextRevision.set(anchor.getHeader().getRevision() + 1);
      open();
    }

    private synchronized void open() {
      reopening.set(false);
      if (closed) {
        return;
      }
      if (resync) {
        resync();
        return;
      }
      // Always from a known revision: etcd replays from there whenever the watch registers.
      WatchOption option = WatchOption.builder().withRevision(nextRevision.get()).build();
      watcher = client.getWatchClient().watch(keyBytes, option, new Watch.Listener() {
        @Override
        public void onNext(WatchResponse response) {
          for (WatchEvent event : response.getEvents()) {
            KeyValue kv = event.getKeyValue();
            nextRevision.set(kv.getModRevision() + 1);
            deliver(event.getEventType() == WatchEvent.EventType.DELETE ? null : kv, kv.getModRevision(), false);
          }
        }

        @Override
        public void onError(Throwable error) {
          if (cannotResume(error)) {
            resync = true;
          }
          reopenLater(error);
        }

        @Override
        public void onCompleted() {
          reopenLater(null);
        }
      });
    }

    /** etcd cancels a watch for good when its start revision is compacted or in the future. */
    private static boolean cannotResume(Throwable error) {
      return error instanceof CompactedException
          || (error instanceof EtcdException e && e.getErrorCode() == ErrorCode.OUT_OF_RANGE);
    }

    /** Reads the key as it is now, delivers it if it changed, then watches from just after the read. */
    private void resync() {
      CompletableFuture<GetResponse> read;
      try {
        read = client.getKVClient().get(keyBytes);
      } catch (RuntimeException e) {
        LOG.debug("{}: watch stopped, cannot read the key: {}", describe(), e.toString());
        return;
      }
      read.orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((response, error) -> {
        if (error != null) {
          reopenLater(error);
          return;
        }
        KeyValue kv = response.getKvs().isEmpty() ? null : response.getKvs().get(0);
        deliver(kv, kv == null ? 0 : kv.getModRevision(), true);
        nextRevision.set(response.getHeader().getRevision() + 1);
        resync = false;
        open();
      });
    }

    /**
     * Delivers {@code kv} (null: the key is absent) through the delivery step. A resync
     * delivers only what differs from the last delivery, so the listener sees no write that was not.
     */
    private void deliver(KeyValue kv, long modRevision, boolean onlyIfChanged) {
      synchronized (deliveries) {
        if (closed) {
          return;
        }
        long state = kv == null ? 0 : modRevision;
        if (onlyIfChanged && state == deliveredModRevision) {
          return;
        }
        deliveredModRevision = state;
        delivery.accept(kv == null ? null : kv.getValue().getBytes());
      }
    }

    private void reopenLater(Throwable error) {
      if (closed || !reopening.compareAndSet(false, true)) {
        return;
      }
      LOG.debug("{}: watch ended ({}); re-establishing{}", describe(), error == null ? "completed" : error.toString(),
          resync ? " from the key's current state" : " from revision " + nextRevision.get());
      Watch.Watcher old = watcher;
      if (old != null) {
        old.close();
      }
      WATCH_RETRY.schedule(this::open, Math.min(1000, Math.max(100, timeout().toMillis() / 4)), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
      closed = true;
      Watch.Watcher w = watcher;
      if (w != null) {
        w.close();
      }
    }
  }
}
