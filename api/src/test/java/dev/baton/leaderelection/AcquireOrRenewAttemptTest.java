package dev.baton.leaderelection;

import static dev.baton.leaderelection.ScriptedLock.Verb.CREATE;
import static dev.baton.leaderelection.ScriptedLock.Verb.GET;
import static dev.baton.leaderelection.ScriptedLock.Verb.UPDATE;
import static dev.baton.leaderelection.ScriptedLock.accepted;
import static dev.baton.leaderelection.ScriptedLock.fails;
import static dev.baton.leaderelection.ScriptedLock.read;
import static dev.baton.leaderelection.ScriptedLock.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.AcquireOrRenewAttempt.Foreign;
import dev.baton.leaderelection.AcquireOrRenewAttempt.Observation;
import dev.baton.leaderelection.AcquireOrRenewAttempt.Outcome;
import dev.baton.leaderelection.ScriptedLock.Verb;
import dev.baton.leaderelection.resourcelock.CorruptRecordException;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.RecordAlreadyExistsException;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import dev.baton.leaderelection.resourcelock.UpdateConflictException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * client-go's {@code TestTryAcquireOrRenew} ({@code leaderelection_test.go}), one row per case, on
 * one {@link AcquireOrRenewAttempt}: the candidate {@code baz} with a 10 s lease against a
 * {@link ScriptedLock} that plays client-go's reactors. Each row names the client-go case it ports;
 * rows named "Baton: ..." cover what Baton adds (the fast path it trusts only after adopted calls,
 * lost races, store errors, terms of its own, records of another process under its identity, the
 * term's deadline).
 *
 * <p>Every row checks what client-go checks: success, the holder and the leaderTransitions of the
 * record the elector ends up observing (what it would report to onNewLeader), and that exactly the
 * scripted calls were made. client-go's records of holder "bing" have no lease duration and are
 * still "acked" because its clock moves between reading and judging; here time stands still, so
 * "bing" holds a 10 s lease.
 */
class AcquireOrRenewAttemptTest {
  private static final String ME = "baz";
  private static final int LEASE_SECONDS = 10;
  private static final long HOURS_1000 = Duration.ofHours(1000).toNanos();
  /** Where the virtual clock stands when an attempt runs, so that observations 1000 h ago lie after zero. */
  private static final Duration START = Duration.ofHours(2000);
  private static final Instant NOW = VirtualTime.EPOCH.plus(START);
  private static final Instant T0 = Instant.parse("2029-12-31T23:00:00Z");
  private static final Instant T1 = Instant.parse("2029-12-31T23:30:00Z");

  private static final LeaderElectionRecord NO_FIELDS = LeaderElectionRecord.of("", 0, null, null, 0);
  private static final LeaderElectionRecord BING = LeaderElectionRecord.of("bing", LEASE_SECONDS, T0, T0, 0);
  private static final LeaderElectionRecord BING_3S = LeaderElectionRecord.of("bing", 3, T0, T0, 0);
  private static final LeaderElectionRecord MINE = LeaderElectionRecord.of(ME, LEASE_SECONDS, T0, T0, 0);
  /** A record under this identity that this elector did not write: another process's term. */
  private static final LeaderElectionRecord TWINS = LeaderElectionRecord.of(ME, LEASE_SECONDS, T1, T1, 1);
  private static final LeaderElectionRecord RELEASED = LeaderElectionRecord.of("", 1, T0, T0, 2);

  /** One case: what the elector knew before the attempt, the lock's script, and what must come out. */
  static final class Row {
    final String name;
    Observation observed = Observation.NONE;
    /** Relative to now; null when the elector does not lead. */
    Duration termDeadlineIn;
    boolean fastPathAllowed;
    final List<LeaderElectionRecord> ownTerms = new ArrayList<>();
    Consumer<ScriptedLock> script = lock -> { };
    /** client-go's retryAfter: the first attempt fails, the next one runs this much later. */
    Duration retryAfter;
    boolean expectSuccess;
    String outHolder;
    int outTransitions;
    List<Verb> calls = List.of();
    boolean slowPath;
    boolean storeError;
    Foreign foreign = Foreign.NO;
    BiConsumer<ScriptedLock, OwnTerms> also = (lock, terms) -> { };

    Row(String name) {
      this.name = name;
    }

    /** What the elector last saw: {@code record} as the codec stores it, {@code agoNanos} ago (negative: in the future). */
    Row observed(LeaderElectionRecord record, long agoNanos) {
      observed = new Observation(record, LeaderElectionRecordCodec.encode(record), -agoNanos);
      return this;
    }

    /** No record seen, at a time {@code agoNanos} ago (client-go's zero observedRecord with an observedTime). */
    Row observedNothing(long agoNanos) {
      observed = new Observation(Observation.NONE.record(), Observation.NONE.raw(), -agoNanos);
      return this;
    }

    Row leading(Duration deadlineIn) {
      termDeadlineIn = deadlineIn;
      return this;
    }

    Row fastPathAllowed() {
      fastPathAllowed = true;
      return this;
    }

    Row ownTerm(LeaderElectionRecord record) {
      ownTerms.add(record);
      return this;
    }

    Row script(Consumer<ScriptedLock> s) {
      script = s;
      return this;
    }

    Row retryAfter(Duration d) {
      retryAfter = d;
      return this;
    }

    Row succeeds(String holder, int transitions, Verb... expectedCalls) {
      expectSuccess = true;
      outHolder = holder;
      outTransitions = transitions;
      calls = List.of(expectedCalls);
      return this;
    }

    Row fails(String holder, int transitions, Verb... expectedCalls) {
      expectSuccess = false;
      outHolder = holder;
      outTransitions = transitions;
      calls = List.of(expectedCalls);
      return this;
    }

    Row slowPath() {
      slowPath = true;
      return this;
    }

    Row storeError() {
      storeError = true;
      return this;
    }

    Row foreign(Foreign f) {
      foreign = f;
      return this;
    }

    Row also(BiConsumer<ScriptedLock, OwnTerms> check) {
      also = check;
      return this;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    return Stream.of(
        // ---- client-go's TestTryAcquireOrRenew ----
        new Row("client-go: acquire from no object")
            .script(lock -> lock.expect(GET, fails(new RecordNotFoundException("foo/bar", null)))
                .expect(CREATE, accepted()))
            .succeeds(ME, 0, GET, CREATE),
        new Row("client-go: acquire from object without annotations")
            // A ConfigMap without the annotation reads as a record of zero values from no bytes.
            .script(lock -> lock.expect(GET, read(NO_FIELDS, new byte[0])).expect(UPDATE, accepted()))
            .succeeds(ME, 1, GET, UPDATE),
        new Row("client-go: acquire from led object with the lease duration seconds")
            .script(lock -> lock.expect(GET, stored(BING_3S))
                .expect(GET, stored(BING_3S))
                .expect(UPDATE, accepted()))
            .retryAfter(Duration.ofSeconds(3))
            .succeeds(ME, 1, GET, GET, UPDATE),
        new Row("client-go: acquire from unled object")
            .script(lock -> lock.expect(GET, stored(NO_FIELDS)).expect(UPDATE, accepted()))
            .succeeds(ME, 1, GET, UPDATE),
        new Row("client-go: acquire from led, unacked object")
            .observed(BING, HOURS_1000)
            .script(lock -> lock.expect(GET, stored(BING)).expect(UPDATE, accepted()))
            .succeeds(ME, 1, GET, UPDATE),
        new Row("client-go: acquire from empty led, acked object")
            .observedNothing(-HOURS_1000)
            .script(lock -> lock.expect(GET, stored(NO_FIELDS)).expect(UPDATE, accepted()))
            .succeeds(ME, 1, GET, UPDATE),
        new Row("client-go: don't acquire from led, acked object")
            .observedNothing(-HOURS_1000)
            .script(lock -> lock.expect(GET, stored(BING)))
            .fails("bing", 0, GET),
        new Row("client-go: renew already acquired object")
            // client-go's lock has no cached version yet, so its optimistic update fails before it
            // reaches the server: here the fast path is not trusted, and the leader reads first.
            .observed(MINE, -HOURS_1000).ownTerm(MINE).leading(Duration.ofSeconds(10))
            .script(lock -> lock.expect(GET, stored(MINE)).expect(UPDATE, accepted()))
            .succeeds(ME, 0, GET, UPDATE).slowPath(),

        // ---- Baton's additions ----
        new Row("Baton: a leader whose every call was adopted renews through the fast path: one update, no read")
            .observed(MINE, 0).ownTerm(MINE).leading(Duration.ofSeconds(10)).fastPathAllowed()
            .script(lock -> lock.expect(UPDATE, accepted()))
            .succeeds(ME, 0, UPDATE)
            .also((lock, terms) -> assertEquals(T0, lock.written.get(0).acquireTime(), "a renewal keeps acquireTime")),
        new Row("Baton: a fast-path update that conflicts falls back to the slow path (read, then update)")
            .observed(MINE, 0).ownTerm(MINE).leading(Duration.ofSeconds(10)).fastPathAllowed()
            .script(lock -> lock.expect(UPDATE, fails(new UpdateConflictException("foo/bar", "stale version", null)))
                .expect(GET, stored(MINE)).expect(UPDATE, accepted()))
            .succeeds(ME, 0, UPDATE, GET, UPDATE).slowPath(),
        new Row("Baton: an update conflict (another candidate won the race) fails the attempt, not the store")
            .script(lock -> lock.expect(GET, stored(RELEASED))
                .expect(UPDATE, fails(new UpdateConflictException("foo/bar", "stale version", null))))
            .fails("", 2, GET, UPDATE)
            .also((lock, terms) -> assertFalse(terms.contains(lock.written.get(0)),
                "a new term whose write lost the race is not this elector's")),
        new Row("Baton: a get error fails the attempt as a store error")
            .script(lock -> lock.expect(GET, fails(new TransientLockException("foo/bar", "connection refused", null))))
            .fails("", 0, GET).storeError(),
        new Row("Baton: a create conflict (another candidate created the record first) fails the attempt, not the store")
            .script(lock -> lock.expect(GET, fails(new RecordNotFoundException("foo/bar", null)))
                .expect(CREATE, fails(new RecordAlreadyExistsException("foo/bar", null))))
            .fails("", 0, GET, CREATE)
            .also((lock, terms) -> assertFalse(terms.contains(lock.written.get(0)),
                "a new term whose create lost the race is not this elector's")),
        new Row("Baton: a corrupt record fails the attempt as a store error and is not overwritten")
            .script(lock -> lock.expect(GET, fails(new CorruptRecordException("foo/bar", "not JSON", null))))
            .fails("", 0, GET).storeError(),
        new Row("Baton: an update the store fails (not a lost race) is a store error")
            .script(lock -> lock.expect(GET, stored(RELEASED))
                .expect(UPDATE, fails(new TransientLockException("foo/bar", "timed out", null))))
            .fails("", 2, GET, UPDATE).storeError(),
        new Row("Baton: transitions are counted from the record read: an expired holder's 4 become 5")
            .observed(BING.withLeaderTransitions(4), HOURS_1000)
            .script(lock -> lock.expect(GET, stored(BING.withLeaderTransitions(4))).expect(UPDATE, accepted()))
            .succeeds(ME, 5, GET, UPDATE),
        new Row("Baton: taking its own unexpired record back after its term ended starts a new term")
            .observed(MINE, 0).ownTerm(MINE).fastPathAllowed()
            .script(lock -> lock.expect(UPDATE, accepted()))
            .succeeds(ME, 1, UPDATE)
            .also((lock, terms) -> assertEquals(NOW, lock.written.get(0).acquireTime(),
                "a new term has its own acquireTime")),
        new Row("Baton: the same after a dropped call (the fast path not trusted): it reads first, then starts a new term")
            .observed(MINE, 0).ownTerm(MINE)
            .script(lock -> lock.expect(GET, stored(MINE)).expect(UPDATE, accepted()))
            .succeeds(ME, 1, GET, UPDATE),
        new Row("Baton: a record under this identity that this elector did not write is another holder's, waited out")
            .script(lock -> lock.expect(GET, stored(TWINS)))
            .fails(ME, 1, GET).foreign(Foreign.CHANGED),
        new Row("Baton: a leader that reads a record under its identity that it did not write has lost its term")
            .observed(MINE, 0).ownTerm(MINE).leading(Duration.ofSeconds(10))
            .script(lock -> lock.expect(GET, stored(TWINS)))
            .fails(ME, 1, GET).foreign(Foreign.CHANGED),
        new Row("Baton: another process's record under this identity, once expired, is taken over as a new term")
            .observed(TWINS, HOURS_1000)
            .script(lock -> lock.expect(GET, stored(TWINS)).expect(UPDATE, accepted()))
            .succeeds(ME, 2, GET, UPDATE),
        new Row("Baton: a renewal whose term's deadline has passed writes nothing and calls nothing")
            .observed(MINE, 0).ownTerm(MINE).leading(Duration.ZERO).fastPathAllowed()
            .fails(ME, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void tryAcquireOrRenew(Row row) {
    VirtualTime time = new VirtualTime(1);
    time.advance(START);
    ScriptedLock lock = new ScriptedLock(ME);
    row.script.accept(lock);
    OwnTerms terms = new OwnTerms();
    row.ownTerms.forEach(terms::add);
    Observation observed = new Observation(row.observed.record(), row.observed.raw(),
        row.observed == Observation.NONE ? 0 : time.nanoTime() + row.observed.observedNanos());
    long deadline = row.termDeadlineIn == null ? Long.MAX_VALUE : time.nanoTime() + row.termDeadlineIn.toNanos();

    Outcome outcome = attempt(lock, time, observed, deadline, row, terms);
    if (row.retryAfter != null) {
      assertFalse(outcome.succeeded(), "the first attempt must fail: " + outcome);
      time.advance(row.retryAfter);
      outcome = attempt(lock, time, outcome.observation(), deadline, row, terms);
    }

    assertEquals(row.expectSuccess, outcome.succeeded(), "unexpected result of tryAcquireOrRenew: " + outcome);
    LeaderElectionRecord seen = outcome.observation().record();
    assertEquals(row.outHolder, seen.holderIdentity(), "holder of the observed record");
    assertEquals(row.outTransitions, seen.leaderTransitions(), "leaderTransitions of the observed record");
    assertEquals(row.calls, lock.calls, "calls on the lock");
    assertTrue(lock.done(), "scripted calls were not made");
    assertEquals(row.slowPath, outcome.slowPath(), "slow path");
    assertEquals(row.storeError, outcome.storeError(), "store error");
    assertEquals(row.foreign, outcome.foreign(), "foreign record under this identity");
    if (outcome.succeeded()) {
      LeaderElectionRecord written = lock.written.get(lock.written.size() - 1);
      assertEquals(written, seen, "a success observes what it wrote");
      assertTrue(terms.contains(written), "a term this elector wrote is its own");
      assertEquals(time.nanoTime(), outcome.observation().observedNanos(), "observed at the write");
    }
    row.also.accept(lock, terms);
  }

  private static Outcome attempt(ScriptedLock lock, VirtualTime time, Observation observed, long deadline, Row row,
      OwnTerms terms) {
    return new AcquireOrRenewAttempt(lock, LEASE_SECONDS, time, observed, deadline, row.fastPathAllowed, terms).call();
  }
}
