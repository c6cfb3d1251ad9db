package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.leaderelection.resourcelock.CompositeLockType;
import dev.baton.leaderelection.resourcelock.CorruptRecordException;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.RecordAlreadyExistsException;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockProvider;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import dev.baton.leaderelection.resourcelock.UpdateConflictException;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apiguardian.api.API;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kit's groups about the lock alone: its record contract, concurrency, discovery, corrupt
 * records and a stalled store. Backends extend {@link ResourceLockConformanceKit}, which adds the
 * elector groups. Each test that catches a mistake backend authors make says the mistake in its
 * failure message (see the kit's README, "Mistakes the kit catches").
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public abstract class LockContractGroups extends SharedWatchGroups {

  private static final int RACERS = 5;
  /**
   * How much longer than its client timeout a call to a stalled store may take to return, as a
   * fraction of that timeout: half (500 ms on the 1 s of {@link StoreStall#PROXY_RENEW_DEADLINE}). Real
   * backends return within 60 ms of it; a lock that bounds its calls by the renew deadline (twice the
   * client timeout) or adds a connect timeout to it exceeds it.
   */
  private static final int STALL_MARGIN_DIVISOR = 2;
  /** Rounds of {@code watchOpenedJustBeforeWrite}: each opens a watch and writes at once. */
  private static final int WATCH_RACE_ROUNDS = 25;

  /** The record contract every lock keeps. */
  @Nested
  @DisplayName("Record contract")
  public class RecordContract {

    @Test
    @DisplayName("get on a lock whose record was never created reports a missing record")
    void getMissing() {
      ResourceLock lock = lock(uniqueName(), "a");
      RecordNotFoundException e = assertThrows(RecordNotFoundException.class, lock::get);
      assertEquals(lock.describe(), e.lockDescription(), "the error must name the lock");
    }

    @Test
    @DisplayName("A created record reads back equal, through the creating instance and through another")
    void createThenGet() throws Exception {
      String name = uniqueName();
      ResourceLock a = lock(name, "a");
      LeaderElectionRecord record = heldBy("a", 0);
      a.create(record);
      assertEquals(record, a.get().record());
      assertEquals(record, lock(name, "b").get().record());
    }

    @Test
    @DisplayName("Every field survives a round trip: strategy, preferred holder, empty holder and absent times")
    void fieldsRoundTrip() throws Exception {
      String name = uniqueName();
      Instant t = now();
      LeaderElectionRecord full = new LeaderElectionRecord("a", 7, t.minusSeconds(30), t, 3,
          "OldestEmulationVersion", "b");
      ResourceLock a = lock(name, "a");
      a.create(full);
      assertEquals(full, lock(name, "c").get().record());
      LeaderElectionRecord released = new LeaderElectionRecord("", 1, null, null, 3, "", "");
      a.update(released);
      assertEquals(released, lock(name, "c").get().record());
    }

    @Test
    @DisplayName("create fails with already-exists when a record exists, and the stored record stays")
    void createTwice() throws Exception {
      String name = uniqueName();
      LeaderElectionRecord first = heldBy("a", 0);
      lock(name, "a").create(first);
      ResourceLock b = lock(name, "b");
      RecordAlreadyExistsException e = expectThrows(RecordAlreadyExistsException.class, () -> b.create(heldBy("b", 0)),
          "a create that finds a record must report already-exists (the elector then reads and competes), "
              + "not overwrite it nor report a store failure");
      assertEquals(b.describe(), e.lockDescription());
      assertEquals(first, lock(name, "c").get().record());
    }

    @Test
    @DisplayName("Successive updates by one instance succeed without reading in between (the fast path)")
    void successiveUpdates() throws Exception {
      String name = uniqueName();
      ResourceLock a = lock(name, "a");
      a.create(heldBy("a", 0));
      for (int i = 1; i <= 3; i++) {
        a.update(heldBy("a", i));
      }
      assertEquals(3, lock(name, "b").get().record().leaderTransitions());
    }

    @Test
    @DisplayName("update after get replaces the record read by another instance")
    void updateAfterGet() throws Exception {
      String name = uniqueName();
      lock(name, "a").create(heldBy("a", 0));
      ResourceLock b = lock(name, "b");
      b.get();
      LeaderElectionRecord next = heldBy("b", 1);
      b.update(next);
      assertEquals(next, lock(name, "c").get().record());
    }

    @Test
    @DisplayName("update is compare-and-set: it fails with a conflict when another instance wrote since, and the other write stays")
    void updateIsCompareAndSet() throws Exception {
      String name = uniqueName();
      ResourceLock a = lock(name, "a");
      a.create(heldBy("a", 0));
      ResourceLock b = lock(name, "b");
      b.get();
      LeaderElectionRecord bWins = heldBy("b", 1);
      b.update(bWins);
      UpdateConflictException e = expectThrows(UpdateConflictException.class, () -> a.update(heldBy("a", 5)),
          "an update that lost compare-and-set (another instance wrote since) must report a conflict: a "
              + "TransientLockException says the store failed, and success means the other write was overwritten");
      assertEquals(a.describe(), e.lockDescription());
      assertEquals(bWins, lock(name, "c").get().record(), "a lost compare-and-set must not write");
      a.get();
      a.update(heldBy("a", 2));
      assertEquals(2, lock(name, "c").get().record().leaderTransitions(), "after a fresh get the update must work");
    }

    @Test
    @DisplayName("update before any get or create is an IllegalStateException, and nothing is written")
    void updateBeforeGet() throws Exception {
      String name = uniqueName();
      LeaderElectionRecord stored = heldBy("a", 0);
      lock(name, "a").create(stored);
      ResourceLock b = lock(name, "b");
      assertThrows(IllegalStateException.class, () -> b.update(heldBy("b", 1)));
      assertEquals(stored, lock(name, "c").get().record());
    }

    @Test
    @DisplayName("Raw bytes are stable while the record is unchanged and differ once it changes")
    void rawBytesStable() throws Exception {
      String name = uniqueName();
      ResourceLock a = lock(name, "a");
      a.create(heldBy("a", 0));
      ObservedRecord first = lock(name, "b").get();
      ObservedRecord second = lock(name, "c").get();
      assertArrayEquals(first.raw(), second.raw());
      assertTrue(first.sameRawAs(second));
      a.update(heldBy("a", 1));
      assertFalse(first.sameRawAs(lock(name, "b").get()), "a changed record must give different raw bytes");
    }

    @Test
    @DisplayName("identity is the configured one and describe names the namespace and the name")
    void identityAndDescribe() {
      String name = uniqueName();
      ResourceLock lock = lock(name, "candidate-7");
      assertEquals("candidate-7", lock.identity());
      assertTrue(lock.describe().contains(namespace() + "/" + name),
          "describe() '" + lock.describe() + "' must contain '" + namespace() + "/" + name + "'");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.baton.testkit.LockContractGroups#nonCanonicalRecords")
    @DisplayName("get returns the stored bytes exactly, not a re-encoding: a valid record stored in another spelling reads back byte for byte")
    void rawIsTheStoredBytes(String label, byte[] stored) throws Exception {
      assumeCapability(LockCapability.RAW_RECORD);
      String name = uniqueName();
      plantRawRecord(namespace(), name, stored);
      ObservedRecord observed = lock(name, "a").get();
      assertEquals("a", observed.record().holderIdentity(), label + ": the record was misread: " + observed.record());
      assertEquals(3, observed.record().leaderTransitions(), label + ": the record was misread: " + observed.record());
      byte[] expected = observedRaw(stored);
      assertArrayEquals(expected, observed.raw(), () -> label + ": get().raw() is not the bytes the store holds: "
          + "the lock re-encoded the record it decoded instead of returning what it read. The elector compares raw "
          + "bytes to see whether the record changed, and client-go's candidates compare the stored ones. Stored "
          + text(expected) + ", get().raw() gave " + text(observed.raw()));
    }

    @Test
    @DisplayName("Fractional times round-trip exact or truncated (to µs, ms or s), never rounded up")
    void fractionalTimes() throws Exception {
      String name = uniqueName();
      Instant second = now();
      ResourceLock a = lock(name, "a");
      LeaderElectionRecord created = LeaderElectionRecord.of("a", 15, second.minusSeconds(30).plusNanos(999_999_999L),
          second.plusNanos(500_000_000L), 0);
      a.create(created);
      assertTimesKept(created, lock(name, "b").get().record(), "create");
      LeaderElectionRecord updated = LeaderElectionRecord.of("a", 15, created.acquireTime(),
          second.plusSeconds(1).plusNanos(123_456_789L), 1);
      a.update(updated);
      assertTimesKept(updated, lock(name, "b").get().record(), "update");
    }

    @Test
    @DisplayName("The same name in two namespaces is two independent records: the namespace is part of the record's key")
    void namespacesAreIndependent() throws Exception {
      String name = uniqueName();
      String other = otherNamespace();
      assertNotEquals(namespace(), other, "otherNamespace() must differ from namespace()");
      ResourceLock here = lock(name, "a");
      ResourceLock there = lockIn(other, name, "b");
      assertTrue(there.describe().contains(other + "/" + name),
          "describe() '" + there.describe() + "' must contain '" + other + "/" + name + "'");
      LeaderElectionRecord mine = heldBy("a", 0);
      here.create(mine);
      String ignored = "the namespace is ignored: " + other + "/" + name + " and " + namespace() + "/" + name
          + " share one record, so 'my-app' in staging and in production would be one election";
      expectThrows(RecordNotFoundException.class, there::get, ignored + " (get in " + other + " found the record "
          + "created in " + namespace() + ")");
      LeaderElectionRecord theirs = heldBy("b", 5);
      try {
        there.create(theirs);
      } catch (RecordAlreadyExistsException e) {
        fail(ignored + " (create in " + other + " found the record created in " + namespace() + ")", e);
      }
      assertEquals(mine, lock(name, "c").get().record(), ignored + " (the create in " + other + " replaced it)");
      assertEquals(theirs, lockIn(other, name, "c").get().record(), ignored);
      there.update(heldBy("b", 6));
      assertEquals(mine, lock(name, "c").get().record(), ignored + " (the update in " + other + " replaced it)");
      here.update(heldBy("a", 1));
      assertEquals(6, lockIn(other, name, "c").get().record().leaderTransitions(),
          ignored + " (the update in " + namespace() + " replaced the record in " + other + ")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.baton.testkit.LockContractGroups#nonAsciiHolders")
    @DisplayName("Holders with non-ASCII text round-trip unchanged (UTF-8 throughout), and with RAW_RECORD the stored bytes are the codec's encoding")
    void nonAsciiHolders(String label, String holder) throws Exception {
      String name = uniqueName();
      ResourceLock a = lock(name, holder);
      LeaderElectionRecord created = heldBy(holder, 0);
      a.create(created);
      assertHolderKept(label, created, name, "create");
      LeaderElectionRecord updated = heldBy(holder, 1);
      a.update(updated);
      assertHolderKept(label, updated, name, "update");
    }

    private void assertHolderKept(String label, LeaderElectionRecord written, String name, String how) throws Exception {
      String garbled = label + " holder '" + written.holderIdentity() + "' did not survive the " + how
          + ": the lock stores or reads text in another charset than UTF-8 (Latin-1, the platform default, a "
          + "database column's charset)";
      ObservedRecord read;
      try {
        read = lock(name, "reader").get();
      } catch (CorruptRecordException e) {
        fail(garbled + "; reading it back failed: " + e.getMessage(), e);
        return;
      }
      assertEquals(written.holderIdentity(), read.record().holderIdentity(), garbled);
      assertEquals(written, read.record(), garbled);
      if (capabilities().contains(LockCapability.RAW_RECORD)) {
        byte[] encoded = LeaderElectionRecordCodec.encode(written);
        byte[] stored = storedRawRecord(namespace(), name).orElseThrow(() -> new AssertionError("no record stored"));
        assertArrayEquals(encoded, stored, () -> garbled + ": the stored bytes are not the codec's UTF-8 encoding; "
            + "expected " + text(encoded) + ", stored " + text(stored));
      }
    }

    @Test
    @DisplayName("An update after the record was deleted is a conflict, never a re-create")
    void updateAfterDelete() throws Exception {
      assumeCapability(LockCapability.DELETE_RECORD);
      String name = uniqueName();
      ResourceLock a = lock(name, "a");
      a.create(heldBy("a", 0));
      deleteRecord(namespace(), name);
      expectThrows(RecordNotFoundException.class, lock(name, "b")::get,
          "deleteRecord(namespace, name) did not delete the record");
      expectThrows(UpdateConflictException.class, () -> a.update(heldBy("a", 1)),
          "an update after the record was deleted must be a conflict (the version it compares against is gone), "
              + "never a re-create: a re-created record would hand the lock to a holder that lost it");
      expectThrows(RecordNotFoundException.class, lock(name, "b")::get,
          "the update after the delete re-created the record; it must be a conflict and write nothing");
      a.create(heldBy("a", 2));
      a.update(heldBy("a", 3));
      assertEquals(3, lock(name, "b").get().record().leaderTransitions(), "after a new create the update must work");
    }

    @Test
    @DisplayName("With the revision capability, the revision strictly increases with every write and readers see the writer's")
    void revisionIncreases() throws Exception {
      assumeCapability(LockCapability.REVISION);
      String name = uniqueName();
      ResourceLock a = lock(name, "a");
      assertTrue(a.revision().isEmpty(), "nothing read or written yet, so no revision");
      a.create(heldBy("a", 0));
      long previous = a.revision().orElseThrow(() -> new AssertionError("no revision after create"));
      for (int i = 1; i <= 3; i++) {
        a.update(heldBy("a", i));
        long current = a.revision().orElseThrow(() -> new AssertionError("no revision after update"));
        assertTrue(current > previous, "revision " + current + " after an update is not greater than " + previous);
        previous = current;
      }
      ResourceLock b = lock(name, "b");
      b.get();
      assertEquals(OptionalLong.of(previous), b.revision());
    }

    @Test
    @DisplayName("With the watch capability, a watcher sees another instance's writes")
    void watchSeesWrites() throws Exception {
      assumeCapability(LockCapability.WATCH);
      String name = uniqueName();
      ResourceLock watcherLock = lock(name, "w");
      WatchableResourceLock watcher = assertInstanceOf(WatchableResourceLock.class, watcherLock,
          "the backend declares WATCH, so its locks must implement WatchableResourceLock");
      List<ObservedRecord> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
      ResourceLock a = lock(name, "a");
      try (WatchableResourceLock.RecordWatch w = watcher.watch(r -> {
        if (r != null) {
          seen.add(r);
        }
      })) {
        a.create(heldBy("a", 0));
        a.update(heldBy("a", 1));
        assertTrue(time.awaitUntil(() -> seen.stream().anyMatch(r -> r.record().leaderTransitions() == 1),
            Duration.ofSeconds(10)).isPresent(), "the watcher never saw the update; it saw " + seen);
      }
    }

    @Test
    @DisplayName("A watch opened just before a write delivers that write, every time")
    void watchOpenedJustBeforeWrite() throws Exception {
      assumeCapability(LockCapability.WATCH);
      String name = uniqueName();
      ResourceLock writer = lock(name, "a");
      for (int round = 1; round <= WATCH_RACE_ROUNDS; round++) {
        // A fresh watcher each round. Every other one comes from ResourceLocks.newLock, as a
        // candidate's does: on most backends it has a client of its own, whose first watch must
        // first open a connection, which is when a watch registered asynchronously falls behind.
        boolean byType = round % 2 == 0;
        ResourceLock watcherLock = byType
            ? ResourceLocks.newLock(lockType(), namespace(), name, ResourceLockConfig.of("w" + round), kitLockOptions())
            : lock(name, "w" + round);
        try {
          WatchableResourceLock watcher = assertInstanceOf(WatchableResourceLock.class, watcherLock,
              "the backend declares WATCH, so its locks must implement WatchableResourceLock");
          // Each round writes a record no earlier round wrote (its transitions count is the round).
          LeaderElectionRecord written = heldBy("a", round);
          List<LeaderElectionRecord> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
          try (WatchableResourceLock.RecordWatch w = watcher.watch(r -> {
            if (r != null) {
              seen.add(r.record());
            }
          })) {
            // At once, with no pause: the write must be delivered however soon it follows watch().
            if (round == 1) {
              writer.create(written);
            } else {
              writer.update(written);
            }
            int r = round;
            assertTrue(time.awaitUntil(() -> seen.contains(written), Duration.ofSeconds(10)).isPresent(),
                () -> "round " + r + " of " + WATCH_RACE_ROUNDS + " (watcher from " + (byType ? "ResourceLocks.newLock"
                    : "the backend's hook") + "): the watch opened just before the " + (r == 1 ? "create" : "update")
                    + " of " + written + " never delivered it; it delivered " + seen);
          }
        } finally {
          if (byType && watcherLock instanceof AutoCloseable closeable) {
            closeable.close();
          }
        }
      }
    }

    @Test
    @DisplayName("Opening a watch does not move the compare-and-set version: an update after it still conflicts with a write the lock never read")
    void watchKeepsCompareAndSetVersion() throws Exception {
      assumeCapability(LockCapability.WATCH);
      String name = uniqueName();
      lock(name, "setup").create(heldBy("setup", 0));
      WatchableResourceLock a = assertInstanceOf(WatchableResourceLock.class, lock(name, "a"),
          "the backend declares WATCH, so its locks must implement WatchableResourceLock");
      a.get();
      OptionalLong readByA = a.revision();
      ResourceLock b = lock(name, "b");
      b.get();
      LeaderElectionRecord bWins = heldBy("b", 1);
      b.update(bWins);
      try (WatchableResourceLock.RecordWatch w = a.watch(r -> { })) {
        // The watch has read b's write (or its revision); a itself has not.
        assertEquals(readByA, a.revision(), "opening the watch changed the revision a last read or wrote");
        UpdateConflictException e = assertThrows(UpdateConflictException.class, () -> a.update(heldBy("a", 2)),
            "a's update compared against the version its watch read, not the one a itself read: it overwrote b's "
                + "write without ever reading it");
        assertEquals(a.describe(), e.lockDescription());
      }
      assertEquals(bWins, lock(name, "c").get().record(), "the conflicting update must not write");
    }
  }

  /** Several instances racing on one record. */
  @Nested
  @DisplayName("Concurrency")
  public class Concurrency {

    @Test
    @DisplayName("Instances racing to create one record: exactly one wins each round, the others get already-exists")
    void raceCreate() throws Exception {
      for (int round = 0; round < 5; round++) {
        String name = uniqueName();
        List<ResourceLock> locks = racers(name);
        List<Object> results = race(locks, lock -> {
          lock.create(heldBy(lock.identity(), 0));
          return lock.identity();
        });
        List<Object> winners = results.stream().filter(String.class::isInstance).toList();
        assertEquals(1, winners.size(), "round " + round + ": " + results);
        assertTrue(results.stream().filter(r -> !(r instanceof String))
            .allMatch(RecordAlreadyExistsException.class::isInstance),
            "losers must see RecordAlreadyExistsException: " + results);
        if (writesAreAtomic()) {
          assertEquals(winners.get(0), lock(name, "reader").get().record().holderIdentity(),
              "the stored record must be the winner's");
        }
      }
    }

    @Test
    @DisplayName("Instances that read the same version race to update: exactly one wins each round, the others conflict")
    void raceUpdate() throws Exception {
      String name = uniqueName();
      lock(name, "setup").create(heldBy("setup", 0));
      List<ResourceLock> locks = racers(name);
      for (int round = 1; round <= 5; round++) {
        for (ResourceLock lock : locks) {
          lock.get();
        }
        int transitions = round;
        List<Object> results = race(locks, lock -> {
          lock.update(heldBy(lock.identity(), transitions));
          return lock.identity();
        });
        List<Object> winners = results.stream().filter(String.class::isInstance).toList();
        assertEquals(1, winners.size(), "round " + round + ": " + results);
        assertTrue(results.stream().filter(r -> !(r instanceof String))
            .allMatch(UpdateConflictException.class::isInstance), "losers must see UpdateConflictException: " + results);
        LeaderElectionRecord stored = lock(name, "reader").get().record();
        assertEquals(winners.get(0), stored.holderIdentity(), "the stored record must be the winner's, whole");
        assertEquals(transitions, stored.leaderTransitions());
      }
    }

    @Test
    @DisplayName("Fuzz: instances read and write a counter in the record with random delays; it advances only under compare-and-set, so no write is lost")
    void counterFuzz() throws Exception {
      String name = uniqueName();
      lock(name, "setup").create(heldBy("setup", 0));
      int attemptsEach = 25;
      CyclicBarrier eachAttempt = new CyclicBarrier(RACERS);
      List<Object> results = race(racers(name), lock -> {
        long won = 0;
        Random jitter = new Random(lock.identity().hashCode());
        try {
          for (int i = 0; i < attemptsEach; i++) {
            awaitOthers(eachAttempt);
            LeaderElectionRecord current = lock.get().record();
            LockSupport.parkNanos(jitter.nextInt(500_000));
            try {
              // Non-atomic read-modify-write: only compare-and-set keeps it exact.
              lock.update(current.withHolderIdentity(lock.identity()).withLeaderTransitions(current.leaderTransitions() + 1));
              won++;
            } catch (UpdateConflictException lost) {
              // Someone else's write came first; this increment never happened.
            }
          }
        } catch (LockException | RuntimeException e) {
          eachAttempt.reset();   // the others stop at once instead of waiting for this racer
          throw e;
        }
        return won;
      });
      long total = 0;
      for (Object r : results) {
        total += assertInstanceOf(Long.class, r, "a racer did not finish its attempts: " + r);
      }
      assertTrue(total > 0, "no update ever won: " + results);
      long counted = lock(name, "reader").get().record().leaderTransitions();
      if (writesAreAtomic()) {
        assertEquals(total, counted, "successful updates " + results + " must all be counted in the record, "
            + "and failed ones not at all");
      } else {
        assertTrue(counted >= total, "successful updates " + results + " (" + total + ") were lost: the record "
            + "counts " + counted);
      }
    }

    private void awaitOthers(CyclicBarrier barrier) {
      try {
        barrier.await(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("a racer did not reach the next attempt: " + e, e);
      }
    }

    private List<ResourceLock> racers(String name) {
      List<ResourceLock> locks = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        locks.add(lock(name, "racer-" + i));
      }
      return locks;
    }
  }

  /** Runs {@code action} on every lock at once; each result is the value returned or the exception thrown. */
  private static List<Object> race(List<ResourceLock> locks, LockAction action) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(locks.size());
    try {
      CyclicBarrier start = new CyclicBarrier(locks.size());
      List<Future<Object>> futures = new ArrayList<>();
      for (ResourceLock lock : locks) {
        Callable<Object> task = () -> {
          start.await(30, TimeUnit.SECONDS);
          try {
            return action.apply(lock);
          } catch (LockException e) {
            return e;
          }
        };
        futures.add(pool.submit(task));
      }
      List<Object> results = new ArrayList<>();
      List<Throwable> broken = new ArrayList<>();
      for (Future<Object> f : futures) {
        try {
          results.add(f.get(120, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
          broken.add(e.getCause());
        }
      }
      for (Object r : results) {
        if (r instanceof LockException e && !(e instanceof UpdateConflictException)
            && !(e instanceof RecordAlreadyExistsException)) {
          fail("a racer failed with " + e.getClass().getSimpleName() + ", but a lost race must be reported as "
              + "UpdateConflictException (update) or RecordAlreadyExistsException (create): " + e, e);
        }
      }
      if (!broken.isEmpty()) {
        fail("a racer failed: " + broken.get(0), broken.get(0));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /** One racer's action. */
  @FunctionalInterface
  private interface LockAction {
    Object apply(ResourceLock lock) throws LockException;
  }

  /** Finding the backend by its type name. */
  @Nested
  @DisplayName("Discovery")
  public class Discovery {

    @Test
    @DisplayName("The lock type is registered: ResourceLocks lists it (or, for a composite type, both parts and the multi provider)")
    void typeListed() {
      Set<String> available = ResourceLocks.availableLockTypes();
      List<String> needed = CompositeLockType.parse(lockType())
          .map(c -> List.of(CompositeLockType.MULTI_PROVIDER_TYPE, c.primary(), c.secondary()))
          .orElse(List.of(lockType()));
      for (String type : needed) {
        assertTrue(available.contains(type), "lock type '" + type + "' is not registered; found " + available
            + ". Register the provider with @AutoService(ResourceLockProvider.class) on the provider class, or list "
            + "the provider's class name in a file META-INF/services/" + ResourceLockProvider.class.getName()
            + " (and, on the module path, declare 'provides " + ResourceLockProvider.class.getName()
            + " with ...' in module-info)");
      }
    }

    @Test
    @DisplayName("A lock obtained through ResourceLocks.newLock by type name shares the record of the backend's own locks")
    void newLockByType() throws Exception {
      String name = uniqueName();
      ResourceLock byType = ResourceLocks.newLock(lockType(), namespace(), name, ResourceLockConfig.of("by-type"),
          kitLockOptions());
      try {
        assertEquals("by-type", byType.identity());
        LeaderElectionRecord record = heldBy("by-type", 0);
        byType.create(record);
        assertEquals(record, lock(name, "direct").get().record());
        ResourceLock direct = lock(name, "direct");
        direct.get();
        direct.update(heldBy("direct", 1));
        assertEquals("direct", byType.get().record().holderIdentity());
      } finally {
        if (byType instanceof AutoCloseable closeable) {
          closeable.close();
        }
      }
    }
  }

  /** Records that cannot be parsed: reported, survived, never overwritten. */
  @Nested
  @DisplayName("Corrupt records")
  public class CorruptRecords {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.baton.testkit.LockContractGroups#corruptPayloads")
    @DisplayName("A stored record that is not a valid record gives a typed error naming the lock; the caller survives and the bytes stay")
    void corruptRecord(String label, byte[] payload) throws Exception {
      assumeCapability(LockCapability.RAW_RECORD);
      String name = uniqueName();
      plantRawRecord(namespace(), name, payload);
      ResourceLock lock = lock(name, "a");
      CorruptRecordException e = assertThrows(CorruptRecordException.class, lock::get, label);
      assertEquals(lock.describe(), e.lockDescription());
      assertTrue(e.getMessage().contains(lock.describe()), "the message must name the lock: " + e.getMessage());
      assertNotEquals("", e.problem(), "the error must say what could not be parsed");
      assertThrows(CorruptRecordException.class, lock::get, "a second read must report the same");
      assertThrows(LockException.class, () -> lock.create(heldBy("a", 0)), "create must not overwrite a corrupt record");
      assertArrayEquals(payload, storedRawRecord(namespace(), name)
          .orElseThrow(() -> new AssertionError("the corrupt record disappeared")), "the stored bytes must be unchanged");

      // The same instance works again once a valid record is stored.
      LeaderElectionRecord valid = heldBy("b", 1);
      plantRawRecord(namespace(), name, dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec.encode(valid));
      assertEquals(valid, lock.get().record());
    }

    @Test
    @DisplayName("An update after a get of a corrupt record fails and leaves the corrupt bytes: get does not take the version of a record it could not parse")
    void updateAfterCorruptGet() throws Exception {
      assumeCapability(LockCapability.RAW_RECORD);
      String name = uniqueName();
      lock(name, "setup").create(heldBy("setup", 0));
      ResourceLock reader = lock(name, "a");
      reader.get();
      byte[] corrupt = "leader=a".getBytes(StandardCharsets.UTF_8);
      plantRawRecord(namespace(), name, corrupt);
      String overwritten = "the update overwrote the corrupt record: get() must not remember the version of a record "
          + "it could not parse, so the next update has nothing newer to compare against and the corrupt bytes stay "
          + "for an operator to see";
      for (ResourceLock lock : List.of(reader, lock(name, "b"))) {
        expectThrows(CorruptRecordException.class, lock::get, "get of a corrupt record");
        expectRefused(() -> lock.update(heldBy(lock.identity(), 1)),
            overwritten + " (instance " + lock.identity() + (lock == reader ? ", which read a valid record before)" : ", fresh)"));
        assertArrayEquals(corrupt, storedRawRecord(namespace(), name)
            .orElseThrow(() -> new AssertionError("the corrupt record disappeared")), overwritten);
      }
    }
  }

  /** A store that stops answering: every call still ends within the lock's client timeout. */
  @Nested
  @DisplayName("Stalled store")
  public class StalledStore {

    @Test
    @DisplayName("Against a store that stops answering, get, create and update each end within the lock's client timeout with a TransientLockException")
    void callsEndWithinClientTimeout() throws Exception {
      assumeCapability(LockCapability.STALL);
      ExecutorService callers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "baton-kit-stalled-call");
        t.setDaemon(true);
        return t;
      });
      try (StoreStall stall = newStoreStall()) {
        String name = uniqueName();
        ResourceLock reader = stall.newLock(namespace(), name, "a");
        ResourceLock writer = stall.newLock(namespace(), name, "b");
        lock(name, "setup").create(heldBy("setup", 0));
        reader.get();
        writer.get();
        String other = uniqueName();
        ResourceLock creator = stall.newLock(namespace(), other, "c");
        expectThrows(RecordNotFoundException.class, creator::get, "the record of " + other + " exists");
        stall.stall();
        Duration limit = stall.clientTimeout().plus(stall.clientTimeout().dividedBy(STALL_MARGIN_DIVISOR));
        assertBounded(callers, "get()", reader::get, stall.clientTimeout(), limit);
        assertBounded(callers, "create()", () -> creator.create(heldBy("c", 0)), stall.clientTimeout(), limit);
        assertBounded(callers, "update()", () -> writer.update(heldBy("b", 1)), stall.clientTimeout(), limit);
      } finally {
        callers.shutdownNow();
      }
    }

    private void assertBounded(ExecutorService callers, String call, Executable body, Duration timeout, Duration limit)
        throws Exception {
      long start = System.nanoTime();
      Future<Throwable> outcome = callers.submit(() -> {
        try {
          body.execute();
          return null;
        } catch (Throwable t) {
          return t;
        }
      });
      Throwable thrown;
      try {
        thrown = outcome.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        outcome.cancel(true);
        fail(call + " against a stalled store did not return within the lock's client timeout " + timeout + " (+"
            + limit.minus(timeout).toMillis() + " ms): the call ignores its timeout. The elector gives up on it at its own "
            + "deadline, but the call keeps a lock-call thread until the store answers, and enough of them starve "
            + "every elector of the JVM");
        return;
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      if (thrown == null) {
        fail(call + " against a stalled store returned normally after " + took + "; it cannot have reached the store");
      }
      if (!(thrown instanceof TransientLockException)) {
        fail(call + " against a stalled store threw " + thrown + " after " + took + ", but a call that cannot reach "
            + "the store in time must end in a TransientLockException (the elector retries those)", thrown);
      }
    }
  }

  /** The corrupt payloads of {@link CorruptRecords}: label and bytes. */
  static Stream<Arguments> corruptPayloads() {
    String t = "\"2030-01-01T00:00:00Z\"";
    return Stream.of(
        payload("not JSON", "leader=a"),
        payload("empty", ""),
        Arguments.of("binary", new byte[] {0, 1, 2, (byte) 0xff, (byte) 0xfe, 10}),
        payload("truncated JSON", "{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":15,"),
        payload("wrong types", "{\"holderIdentity\":42,\"leaseDurationSeconds\":\"fifteen\",\"acquireTime\":" + t
            + ",\"renewTime\":" + t + ",\"leaderTransitions\":0}"),
        payload("negative duration", "{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":-15,\"acquireTime\":" + t
            + ",\"renewTime\":" + t + ",\"leaderTransitions\":0}"),
        payload("overflowing duration", "{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":99999999999999999999,"
            + "\"acquireTime\":" + t + ",\"renewTime\":" + t + ",\"leaderTransitions\":0}"),
        payload("bad time", "{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":15,\"acquireTime\":\"yesterday\","
            + "\"renewTime\":" + t + ",\"leaderTransitions\":0}"),
        payload("missing fields", "{\"holderIdentity\":\"a\",\"renewTime\":" + t + "}"),
        payload("JSON array", "[\"a\",15]"),
        payload("JSON of another shape", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"}}"),
        payload("JSON null", "null"));
  }

  /**
   * Valid records in spellings other than the codec's ({@link RecordContract#rawIsTheStoredBytes}):
   * holder {@code a}, 3 transitions.
   */
  static Stream<Arguments> nonCanonicalRecords() {
    return Stream.of(
        payload("extra spaces and newlines", "{ \"holderIdentity\" : \"a\",\n  \"leaseDurationSeconds\" : 15,\n"
            + "  \"acquireTime\" : \"2030-01-01T00:00:00Z\", \"renewTime\" : \"2030-01-01T00:00:00Z\",\n"
            + "  \"leaderTransitions\" : 3 }\n"),
        payload("times with an offset and a fraction", "{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":15,"
            + "\"acquireTime\":\"2030-01-01T02:00:00.5+02:00\",\"renewTime\":\"2030-01-01T00:00:01.123456789Z\","
            + "\"leaderTransitions\":3,\"strategy\":\"\",\"preferredHolder\":\"\"}"),
        payload("an unknown key", "{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":15,"
            + "\"acquireTime\":\"2030-01-01T00:00:00Z\",\"renewTime\":\"2030-01-01T00:00:00Z\",\"leaderTransitions\":3,"
            + "\"strategy\":\"\",\"preferredHolder\":\"\",\"addedInAFutureVersion\":{\"x\":[1,2]}}"));
  }

  /** Holders beyond ASCII ({@link RecordContract#nonAsciiHolders}): label and holder. */
  static Stream<Arguments> nonAsciiHolders() {
    return Stream.of(
        Arguments.of("accented letters", "José Müller-Ærøskøbing"),
        Arguments.of("CJK", "选举-東京-리더"),
        Arguments.of("HTML characters", "<a&b> \"quoted\""),
        Arguments.of("line and paragraph separators", "line\u2028separator\u2029end"),
        Arguments.of("outside the BMP", "rocket-\uD83D\uDE80"));
  }

  /**
   * Fails unless each time of {@code read} is the one of {@code written}, exact or truncated to
   * micro-, milli- or whole seconds; a time later than the one written was rounded up.
   */
  private static void assertTimesKept(LeaderElectionRecord written, LeaderElectionRecord read, String how) {
    assertTimeKept("acquireTime", written.acquireTime(), read.acquireTime(), how);
    assertTimeKept("renewTime", written.renewTime(), read.renewTime(), how);
  }

  private static void assertTimeKept(String field, Instant written, Instant read, String how) {
    if (read == null) {
      fail(field + " " + written + " written by " + how + " read back as no time");
    }
    if (read.isAfter(written)) {
      fail(field + " " + written + " written by " + how + " read back as " + read + ": rounded up. Times must "
          + "round-trip exact or truncated, never rounded up: a renewTime in the future makes a lease look "
          + "younger than it is");
    }
    boolean kept = Stream.of(ChronoUnit.NANOS, ChronoUnit.MICROS, ChronoUnit.MILLIS, ChronoUnit.SECONDS)
        .anyMatch(unit -> written.truncatedTo(unit).equals(read));
    assertTrue(kept, () -> field + " " + written + " written by " + how + " read back as " + read + ": neither exact "
        + "nor truncated to micro-, milli- or whole seconds");
  }

  /** Bytes for a message: as UTF-8 text when they are, else their length. */
  private static String text(byte[] bytes) {
    return "'" + new String(bytes, StandardCharsets.UTF_8) + "' (" + bytes.length + " bytes)";
  }

  private static Arguments payload(String label, String text) {
    return Arguments.of(label, text.getBytes(StandardCharsets.UTF_8));
  }
}
