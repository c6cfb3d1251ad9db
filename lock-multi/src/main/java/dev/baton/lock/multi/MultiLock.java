package dev.baton.lock.multi;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.RecordAlreadyExistsException;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.apiguardian.api.API;

/**
 * One election on two locks, for migrating from {@code primary} to {@code secondary} without
 * downtime, with client-go's {@code MultiLock} rules exactly:
 * <ul>
 *   <li>{@link #get()} reads the primary, then the secondary. A missing secondary while the primary
 *       names someone else returns the primary alone (an old candidate holds the election). When the
 *       two holders differ, the primary is returned with holder {@value #UNKNOWN_LEADER}. The raw
 *       bytes are {@link #concatRawRecord primary raw + "," + secondary raw}.</li>
 *   <li>{@link #create} creates the primary and then the secondary. An existing primary is fine when
 *       it names this candidate; unlike client-go, one naming another candidate fails the create with
 *       already-exists, so two racing candidates cannot each win one of the locks.</li>
 *   <li>{@link #update} updates the primary, then creates the secondary if it is missing or updates it.</li>
 *   <li>{@link #recordEvent} goes to both; {@link #identity()}, {@link #describe()} and
 *       {@link #revision()} are the primary's.</li>
 *   <li>{@link #clientTimeout()} is the longest one MultiLock call can take when each store call
 *       takes as long as its part allows: three calls in a row, not two (see there).</li>
 * </ul>
 *
 * <p>A migration runs in three steps, candidates of adjacent steps running together: old candidates
 * on the primary lock only; candidates on this MultiLock; candidates on the secondary lock only.
 * See {@code docs/migration.md}.
 *
 * <p>The MultiLock does not offer the watch capability: candidates on it poll, as in client-go.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class MultiLock implements ResourceLock, AutoCloseable {

  /** The holder a MultiLock reports while its two locks name different holders. */
  public static final String UNKNOWN_LEADER = "leaderelection.k8s.io/unknown";

  private final ResourceLock primary;
  private final ResourceLock secondary;

  /**
   * An election on two locks, both for the same candidate.
   *
   * @param primary the lock the election migrates from
   * @param secondary the lock the election migrates to
   * @throws IllegalArgumentException when the two locks have different identities
   */
  public MultiLock(ResourceLock primary, ResourceLock secondary) {
    this.primary = Objects.requireNonNull(primary, "primary");
    this.secondary = Objects.requireNonNull(secondary, "secondary");
    if (!primary.identity().equals(secondary.identity())) {
      throw new IllegalArgumentException("the primary and the secondary lock of a MultiLock must have the same "
          + "identity; got '" + primary.identity() + "' and '" + secondary.identity() + "'");
    }
  }

  /**
   * Joins two raw records as client-go's {@code ConcatRawRecord}: {@code primaryRaw + "," + secondaryRaw}.
   *
   * @param primaryRaw the primary's raw bytes
   * @param secondaryRaw the secondary's raw bytes
   * @return the joined bytes
   */
  public static byte[] concatRawRecord(byte[] primaryRaw, byte[] secondaryRaw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(primaryRaw.length + 1 + secondaryRaw.length);
    out.writeBytes(primaryRaw);
    out.write(',');
    out.writeBytes(secondaryRaw);
    return out.toByteArray();
  }

  @Override
  public ObservedRecord get() throws LockException {
    ObservedRecord primaryObserved = primary.get();
    ObservedRecord secondaryObserved;
    try {
      secondaryObserved = secondary.get();
    } catch (RecordNotFoundException e) {
      if (!primaryObserved.record().holderIdentity().equals(identity())) {
        return primaryObserved;   // held by an old candidate that knows only the primary
      }
      throw e;
    }
    LeaderElectionRecord record = primaryObserved.record();
    byte[] primaryRaw = primaryObserved.raw();
    if (!record.holderIdentity().equals(secondaryObserved.record().holderIdentity())) {
      record = record.withHolderIdentity(UNKNOWN_LEADER);
      primaryRaw = LeaderElectionRecordCodec.encode(record);
    }
    return new ObservedRecord(record, concatRawRecord(primaryRaw, secondaryObserved.raw()));
  }

  @Override
  public void create(LeaderElectionRecord record) throws LockException {
    try {
      primary.create(record);
    } catch (RecordAlreadyExistsException e) {
      // client-go ignores an existing primary and creates the secondary anyway. That is right when
      // the primary names this candidate (it held the primary before it had the secondary), but when
      // another candidate created the primary a moment ago, creating the secondary would split the
      // election across the two locks. Baton reads the primary (which also gives the primary lock
      // the version its next update needs) and goes on only if the primary names this candidate.
      LeaderElectionRecord existing = primary.get().record();
      if (!existing.holderIdentity().equals(identity())) {
        throw new RecordAlreadyExistsException(describe(), e);
      }
    }
    secondary.create(record);
  }

  @Override
  public void update(LeaderElectionRecord record) throws LockException {
    primary.update(record);
    try {
      secondary.get();
    } catch (RecordNotFoundException e) {
      secondary.create(record);
      return;
    } catch (LockException e) {
      // client-go updates anyway with the version it last saw; without one, report the read failure.
      try {
        secondary.update(record);
        return;
      } catch (IllegalStateException neverRead) {
        throw e;
      }
    }
    secondary.update(record);
  }

  @Override
  public void recordEvent(String message) {
    primary.recordEvent(message);
    secondary.recordEvent(message);
  }

  @Override
  public String identity() {
    return primary.identity();
  }

  @Override
  public String describe() {
    return primary.describe();
  }

  @Override
  public OptionalLong revision() {
    return primary.revision();
  }

  /**
   * The bound of one call of this lock: the longest chain of store calls it makes, each as long as
   * its part's own {@link ResourceLock#clientTimeout()} allows. {@link #get()} reads the primary and
   * the secondary (p + s), but {@link #create} may create the primary, read it back (already there)
   * and create the secondary (2p + s), and {@link #update} updates the primary, reads the secondary
   * and writes it (p + 2s), as client-go's {@code MultiLock} does. The sum p + s would be exceeded
   * by every renewal whose calls are slow but answered, so the bound is
   * {@code max(2p + s, p + 2s)}: three times the part's timeout when both parts have the same.
   *
   * <p>{@link MultiLockProvider} builds the parts so that this stays within the options' client
   * timeout (each part gets a third); a MultiLock built by hand reports what its parts give.
   *
   * @return the bound, or empty when either part cannot tell its own
   */
  @Override
  public Optional<Duration> clientTimeout() {
    Optional<Duration> p = primary.clientTimeout();
    Optional<Duration> s = secondary.clientTimeout();
    if (p.isEmpty() || s.isEmpty()) {
      return Optional.empty();
    }
    Duration longer = p.get().compareTo(s.get()) >= 0 ? p.get() : s.get();
    return Optional.of(p.get().plus(s.get()).plus(longer));
  }

  /** The lock the election migrates from. */
  public ResourceLock primary() {
    return primary;
  }

  /** The lock the election migrates to. */
  public ResourceLock secondary() {
    return secondary;
  }

  /** Closes both parts that are {@link AutoCloseable}; the first failure is thrown after trying both. */
  @Override
  public void close() throws Exception {
    List<Exception> failures = new ArrayList<>();
    for (ResourceLock part : List.of(primary, secondary)) {
      if (part instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          failures.add(e);
        }
      }
    }
    if (!failures.isEmpty()) {
      Exception first = failures.get(0);
      failures.stream().skip(1).forEach(first::addSuppressed);
      throw first;
    }
  }

  @Override
  public String toString() {
    return "MultiLock{primary=" + primary.describe() + ", secondary=" + secondary.describe() + "}";
  }
}
