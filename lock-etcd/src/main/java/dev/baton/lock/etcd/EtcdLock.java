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
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apiguardian.api.API;

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
 *   <li>{@link #watch} follows the key from a read of it, so no write after {@code watch} returns can
 *       be missed, on <b>one etcd watch stream per client and namespace</b>, shared by every lock of
 *       that namespace on that client (informer-style: ten thousand locks on one client in one
 *       namespace cost one gRPC watch stream, not ten thousand); a broken stream is re-established
 *       from the last revision it saw. The stream is opened by the first watch and closed with the
 *       last; closing one lock's watch, or the lock, never disturbs the others.</li>
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
  private final Client client;
  private final String key;
  private final ByteSequence keyBytes;
  private final String endpoints;
  /** The key directory {@code <prefix>/<namespace>/}: one shared watch stream per client and directory. */
  private final String directory;

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
    this.directory = key.substring(0, key.lastIndexOf('/') + 1);
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
   * Follows the key from a known point, on the stream this lock shares with every lock of its
   * namespace on the same client (see the class comment). The subscription is registered on that
   * stream first; then this reads the key (bounded by the lock's timeout, failing as {@link #get}
   * fails): the anchor, at the read's store revision R. Every write of the key above R is
   * delivered, each once, in revision order, however late the stream registers with etcd (it is
   * opened, when this is its first subscription, at R + 1, and etcd replays from there). The state
   * read is not delivered (see {@link WatchableResourceLock#watch}); it is what later deliveries are
   * compared with after a resync. The read is the watch's own: it does not change the mod revision
   * the next {@link #update} compares against, nor {@link #revision()}.
   *
   * <p>When the stream breaks it is opened again from the revision after the last one it
   * dispatched. When etcd can no longer serve from there (compacted, or a revision it does not have,
   * as after a restore), the stream reads the namespace's keys, delivers the key's state if it
   * differs from the last one delivered (the writes in between are lost to the compaction), and goes
   * on from just after that read. Closing the watch never disturbs another lock's watch.
   *
   * @param listener receives each change after the read; it must return quickly, since the locks of
   *     one namespace on one client share one delivery thread
   * @return the running watch
   * @throws TransientLockException when etcd cannot be reached within the timeout
   * @throws LockException when etcd refuses the read (authentication, TLS)
   */
  @Override
  public RecordWatch watch(Consumer<ObservedRecord> listener) throws LockException {
    Objects.requireNonNull(listener, "listener");
    SharedEtcdWatch.Subscription subscription = SharedEtcdWatch.subscribe(client, directory, keyBytes, timeout(),
        deliveryTo(listener));
    boolean anchored = false;
    try {
      // The anchor: a read of the key, made after the subscription was registered, with the store
      // revision it was made at. Not under this lock's monitor and never written to the compare-and-set
      // version, so it cannot move the next update's precondition. A second read is needed only when
      // another lock opened the shared stream from a later read than this one (a race of first
      // subscribers); a read started after that is never older than the stream's start.
      for (int attempt = 0; attempt < 3 && !anchored; attempt++) {
        GetResponse anchor = await(() -> client.getKVClient().get(keyBytes), "read starting the watch");
        anchored = subscription.anchor(anchor);
      }
      if (!anchored) {
        throw new TransientLockException(describe(), "the shared etcd watch of " + directory
            + " started after every read of the key, three times", null);
      }
    } catch (RuntimeException e) {
      throw EtcdErrors.translate(e, "watch of key " + key, describe(), endpoints);
    } finally {
      if (!anchored) {
        subscription.close();
      }
    }
    return closedWithLock(subscription);
  }


  private <T> T await(Supplier<CompletableFuture<T>> call, String what) throws LockException {
    return EtcdErrors.await(call, timeout(), what + " of key " + key, describe(), endpoints);
  }
}
