package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.leaderelection.LeaderCallbacks;
import dev.baton.leaderelection.LeaderContext;
import dev.baton.leaderelection.LeaderElectionConfig;
import dev.baton.leaderelection.LeaderElector;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apiguardian.api.API;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/**
 * The hooks a backend implements and the helpers the kit's groups share. Backends extend
 * {@link ResourceLockConformanceKit}, not this class.
 *
 * <p>A failing test that ran electors reports what their locks did ({@link LockCallLog}). On real
 * time, each test's lock calls run on a pool of their own, so calls that hung in an earlier test
 * cannot starve its electors.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
@ExtendWith(LockCallReport.class)
public abstract class LockConformanceSupport {

  /**
   * The time the current test runs on; created by {@link #newTimeDriver()} before each test (on real
   * time, with a lock-call pool of the test's own).
   */
  protected TimeDriver time;

  private final List<KitCandidate> candidates = new ArrayList<>();
  /** The locks the default {@link #newLock} made in the current test, closed after it. */
  private final List<AutoCloseable> madeLocks = new CopyOnWriteArrayList<>();
  private Optional<IsolatedLockCalls> lockCallPool = Optional.empty();
  private LockCallLog callLog;

  // ---- hooks ------------------------------------------------------------------------------------

  /**
   * The type name the backend's provider registers, as passed to
   * {@link dev.baton.leaderelection.resourcelock.ResourceLocks#newLock}.
   *
   * @return the lock type, such as {@code etcd}
   */
  protected abstract String lockType();

  /**
   * Makes a new lock instance, as one candidate would, on the backend under test. Every call
   * returns a new instance; instances for the same namespace and name share one stored record.
   *
   * <p>By default the lock comes from the backend's provider, as an application gets it:
   * {@code ResourceLocks.newLock(lockType(), namespace, name, ResourceLockConfig.of(identity), kitLockOptions())};
   * the kit closes it after the test when it is {@link AutoCloseable}. Override it only to build
   * the lock another way (directly, with a timeout or a client of your own); the kit does not close
   * the locks of an override.
   *
   * @param namespace the lock's namespace
   * @param name the lock's name (unique per test)
   * @param identity the candidate's identity
   * @return the lock
   * @throws Exception when the backend cannot make one
   */
  protected ResourceLock newLock(String namespace, String name, String identity) throws Exception {
    ResourceLock lock = ResourceLocks.newLock(lockType(), namespace, name, ResourceLockConfig.of(identity),
        kitLockOptions());
    if (lock instanceof AutoCloseable closeable) {
      madeLocks.add(closeable);
    }
    return lock;
  }

  /**
   * Stores {@code raw} as the record of {@code namespace/name}, bypassing every lock, replacing
   * whatever is there. Needed only with {@link LockCapability#RAW_RECORD}; the default refuses.
   *
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @param raw the bytes to store
   * @throws Exception when the store refuses
   */
  protected void plantRawRecord(String namespace, String name, byte[] raw) throws Exception {
    throw new UnsupportedOperationException(getClass().getName()
        + " declares no RAW_RECORD capability, so it cannot plant raw records");
  }

  /**
   * The bytes stored for {@code namespace/name}, read around every lock, or empty when nothing is
   * stored. Needed only with {@link LockCapability#RAW_RECORD}; the default refuses.
   *
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @return the stored bytes
   * @throws Exception when the store cannot be read
   */
  protected Optional<byte[]> storedRawRecord(String namespace, String name) throws Exception {
    throw new UnsupportedOperationException(getClass().getName()
        + " declares no RAW_RECORD capability, so it cannot read raw records");
  }

  /**
   * The raw bytes {@link ResourceLock#get()} returns for a record stored as {@code stored}: the stored
   * bytes themselves, which is what the contract asks. Only a lock that reads several stores and joins
   * their bytes overrides it (the MultiLock: {@code MultiLock.concatRawRecord(stored, stored)}, as
   * {@link #plantRawRecord} stores the bytes in both).
   *
   * @param stored the bytes {@link #plantRawRecord} stored
   * @return the bytes {@code get()} must return, exactly
   */
  protected byte[] observedRaw(byte[] stored) {
    return stored.clone();
  }

  /**
   * Deletes the record of {@code namespace/name}, bypassing every lock. Needed only with
   * {@link LockCapability#DELETE_RECORD}; the default refuses.
   *
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @throws Exception when the store refuses
   */
  protected void deleteRecord(String namespace, String name) throws Exception {
    throw new UnsupportedOperationException(getClass().getName()
        + " declares no DELETE_RECORD capability, so it cannot delete records");
  }

  /**
   * A new way to stall the store, for one test of the stalled-store group: usually
   * {@code StoreStall.throughProxy(lockType(), serverAddress, via -> options reaching via)}. Needed
   * only with {@link LockCapability#STALL}; the default refuses. The kit closes it after the test.
   *
   * @return the stall, letting calls through until {@link StoreStall#stall()}
   * @throws Exception when it cannot be set up
   */
  protected StoreStall newStoreStall() throws Exception {
    throw new UnsupportedOperationException(getClass().getName()
        + " declares no STALL capability, so the kit cannot stall its store");
  }

  /**
   * What the backend offers beyond the basic contract; tests of capabilities it lacks are skipped
   * by assumption.
   *
   * @return the capabilities; none by default
   */
  protected Set<LockCapability> capabilities() {
    return Set.of();
  }

  /**
   * Whether each {@link ResourceLock#create} and {@link ResourceLock#update} is atomic: true for
   * every lock on one store. A composite lock that writes two stores one after the other (the
   * MultiLock) returns false: a write that changed the first store may still fail on the second, and
   * two racing creates may each win one store. The concurrency group then checks only that exactly
   * one racer wins each round and that no successful update was lost.
   *
   * @return true by default
   */
  protected boolean writesAreAtomic() {
    return true;
  }

  /**
   * What {@link dev.baton.leaderelection.resourcelock.ResourceLocks#newLock} needs to reach the
   * backend's store: settings (endpoints, a connect string, a JDBC URL) or a ready-made client.
   * None by default. Leave the renew deadline out: the kit sets its own ({@link #kitLockOptions()}).
   *
   * @return the options
   */
  protected ResourceLockOptions lockOptions() {
    return ResourceLockOptions.defaults();
  }

  /**
   * The options of every lock the kit obtains through
   * {@link dev.baton.leaderelection.resourcelock.ResourceLocks#newLock}: {@link #lockOptions()} with
   * the renew deadline of {@link #electorTimings()}, so that the locks' client timeout
   * ({@link ResourceLockOptions#clientTimeout()}, max(1 s, renewDeadline / 2)) is the one an
   * application running the kit's elector timings would have: 1 s on real time (1 s renew
   * deadline), 5 s on virtual time (10 s).
   *
   * @return the options
   */
  protected final ResourceLockOptions kitLockOptions() {
    return lockOptions().toBuilder().renewDeadline(electorTimings().renewDeadline()).build();
  }

  /**
   * The namespace the kit's locks live in.
   *
   * @return the namespace; {@code baton-kit} by default
   */
  protected String namespace() {
    return "baton-kit";
  }

  /**
   * A second namespace, where the kit checks that the same name is a record of its own. It must exist
   * where the store requires namespaces to (a Kubernetes cluster).
   *
   * @return the namespace; {@code baton-kit-2} by default
   */
  protected String otherNamespace() {
    return namespace() + "-2";
  }

  /**
   * The time the elector groups run on: real time by default (a real server), or
   * {@link TimeDriver#virtual} for a backend whose calls can run on a
   * {@link VirtualElectionRuntime}. There each lock call runs at once on the thread that advances
   * time and the virtual clock stands still until it returns: a synchronous, blocking lock runs on it
   * as long as each call returns on its own (bounded by the lock's own timeout) without waiting for
   * a timer or a thread of the elector's runtime, and a watch delivers on the thread that made the
   * write. A lock that notifies from a thread of its own runs the kit on real time.
   *
   * @return a new driver for one test
   */
  protected TimeDriver newTimeDriver() {
    return TimeDriver.realTime();
  }

  /**
   * The durations of the elector groups: {@link ElectorTimings#VIRTUAL} on virtual time,
   * {@link ElectorTimings#REAL_TIME} otherwise.
   *
   * @return the timings
   */
  protected ElectorTimings electorTimings() {
    return time.isVirtual() ? ElectorTimings.VIRTUAL : ElectorTimings.REAL_TIME;
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  /** Creates the test's time driver (with its own lock-call pool on real time) and its lock-call log. */
  @BeforeEach
  void createTimeDriver() {
    IsolatedLockCalls.Isolated isolated = IsolatedLockCalls.isolate(newTimeDriver());
    time = isolated.time();
    lockCallPool = isolated.pool();
    callLog = new LockCallLog(time);
  }

  /**
   * Stops every elector the test started, without releasing, so no lock call outlives the test;
   * then closes the locks the default {@link #newLock} made.
   */
  @AfterEach
  void stopElectors() throws Exception {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (KitCandidate c : candidates) {
      c.lock().setMode(FaultInjectingResourceLock.Mode.PASS);
      // A run may have ended in failure on purpose (an identity conflict); only its end matters here.
      stops.add(c.elector().cancel().handle((v, e) -> null));
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new));
    if (time.isVirtual()) {
      time.awaitUntil(all::isDone, Duration.ofMinutes(5));
    }
    try {
      all.get(time.isVirtual() ? 1 : 60, TimeUnit.SECONDS);
    } finally {
      candidates.clear();
      lockCallPool.ifPresent(IsolatedLockCalls::close);
      lockCallPool = Optional.empty();
      closeMadeLocks();
    }
  }

  private void closeMadeLocks() throws Exception {
    Exception failure = null;
    for (AutoCloseable lock : madeLocks) {
      try {
        lock.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    madeLocks.clear();
    if (failure != null) {
      throw failure;
    }
  }

  /** What the current test's candidates' locks did, or an empty string when it started none. */
  String lockCallReport() {
    return callLog == null ? "" : callLog.report();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** Skips the calling test unless the backend declares {@code capability}. */
  protected void assumeCapability(LockCapability capability) {
    Assumptions.assumeTrue(capabilities().contains(capability),
        () -> "not applicable: " + getClass().getSimpleName() + " does not declare " + capability);
  }

  /** A lock name no other test uses (lower-case letters, digits and dashes: valid everywhere). */
  protected static String uniqueName() {
    return "kit-" + UUID.randomUUID().toString().substring(0, 13).replace('-', 'x');
  }

  /** A lock on {@code name} in the kit's namespace, failing the test when the backend cannot make one. */
  protected ResourceLock lock(String name, String identity) {
    return lockIn(namespace(), name, identity);
  }

  /** A lock on {@code namespace/name}, failing the test when the backend cannot make one. */
  protected ResourceLock lockIn(String namespace, String name, String identity) {
    try {
      return newLock(namespace, name, identity);
    } catch (Exception e) {
      return fail("the backend could not make a lock for " + namespace + "/" + name + ": " + e, e);
    }
  }

  /**
   * Runs {@code call} and returns the {@code expected} exception it threw; fails, naming
   * {@code mistake} and the exception type expected, when it returned normally or threw another.
   *
   * @param expected the exception type the contract asks for
   * @param call the lock call
   * @param mistake what it means when the call does not throw {@code expected}
   * @param <T> the exception type
   * @return the exception thrown
   */
  protected static <T extends Throwable> T expectThrows(Class<T> expected, Executable call, String mistake) {
    try {
      call.execute();
    } catch (Throwable t) {
      if (expected.isInstance(t)) {
        return expected.cast(t);
      }
      return fail(mistake + ": expected " + expected.getSimpleName() + ", but the call threw " + t, t);
    }
    return fail(mistake + ": expected " + expected.getSimpleName() + ", but the call returned normally");
  }

  /**
   * Runs a call that must fail and returns how: it must throw a {@link LockException} or an
   * {@link IllegalStateException} (update without a version); fails naming {@code mistake} when it
   * returned normally.
   *
   * @param call the lock call
   * @param mistake what it means when the call succeeds
   * @return the exception thrown
   */
  protected static Throwable expectRefused(Executable call, String mistake) {
    try {
      call.execute();
    } catch (LockException | IllegalStateException e) {
      return e;
    } catch (Throwable t) {
      return fail(mistake + ": expected a LockException or an IllegalStateException, but the call threw " + t, t);
    }
    return fail(mistake + ": the call succeeded");
  }

  /** Now on the test's wall clock, at second precision. */
  protected Instant now() {
    return time.runtime().now().truncatedTo(ChronoUnit.SECONDS);
  }

  /** A record held by {@code holder}, acquired and renewed now. */
  protected LeaderElectionRecord heldBy(String holder, int transitions) {
    Instant t = now();
    return LeaderElectionRecord.of(holder, 15, t, t, transitions);
  }

  /**
   * Builds an elector for {@code identity} on the test's time and timings, wrapping its lock in a
   * {@link FaultInjectingResourceLock} (and, around that, the test's {@link LockCallLog}), and stops
   * it after the test.
   *
   * @param name the lock's name
   * @param identity the candidate's identity
   * @param callbacks the candidate's callbacks
   * @param tweak changes to the configuration (release on cancel, ...)
   * @return the candidate
   */
  protected KitCandidate candidate(String name, String identity, LeaderCallbacks callbacks,
      Consumer<LeaderElectionConfig.Builder> tweak) {
    FaultInjectingResourceLock lock = FaultInjectingResourceLock.wrap(lock(name, identity));
    ElectorTimings t = electorTimings();
    LeaderElectionConfig.Builder b = LeaderElectionConfig.builder()
        .lock(callLog.wrap(logLabel(identity), lock))
        .leaseDuration(t.leaseDuration())
        .renewDeadline(t.renewDeadline())
        .retryPeriod(t.retryPeriod())
        .callbacks(callbacks)
        .name(name)
        .runtime(time.runtime());
    tweak.accept(b);
    KitCandidate candidate = new KitCandidate(identity, lock, new LeaderElector(b.build()));
    candidates.add(candidate);
    return candidate;
  }

  /** The candidate's name in the call log: its identity, numbered when another candidate has it too. */
  private String logLabel(String identity) {
    long same = candidates.stream().filter(c -> c.identity().equals(identity)).count();
    return same == 0 ? identity : identity + " #" + (same + 1);
  }

  /**
   * A candidate of a kit test: its identity, its fault-injecting lock and its elector.
   *
   * @param identity the candidate's identity
   * @param lock the candidate's lock, in {@link FaultInjectingResourceLock.Mode#PASS} at first
   * @param elector the candidate's elector (not started)
   */
  protected record KitCandidate(String identity, FaultInjectingResourceLock lock, LeaderElector elector) {
  }

  /**
   * Callbacks that report to a {@link LeadershipHistory} and run {@code work} for each term.
   *
   * @param history where the intervals go
   * @param identity the candidate
   * @param work what the leader does with its context; must not block on virtual time
   * @return the callbacks
   */
  protected static LeaderCallbacks historyCallbacks(LeadershipHistory history, String identity,
      Consumer<LeaderContext> work) {
    return new LeaderCallbacks() {
      @Override
      public void onStartedLeading(LeaderContext context) {
        history.started(identity, context);
        work.accept(context);
      }

      @Override
      public void onStoppedLeading() {
        history.stopped(identity);
      }

      @Override
      public String toString() {
        return "history callbacks of " + identity;
      }
    };
  }
}
