package dev.baton.lock.multi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.EventRecorder;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.RecordAlreadyExistsException;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.UpdateConflictException;
import dev.baton.lock.inmemory.InMemoryLockStore;
import dev.baton.lock.inmemory.InMemoryResourceLock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** client-go's MultiLock rules, on two real in-memory stores. */
class MultiLockTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  private final InMemoryLockStore primaryStore = new InMemoryLockStore();
  private final InMemoryLockStore secondaryStore = new InMemoryLockStore();

  private InMemoryResourceLock primary(String identity) {
    return new InMemoryResourceLock(primaryStore, "ns", "app", ResourceLockConfig.of(identity));
  }

  private InMemoryResourceLock secondary(String identity) {
    return new InMemoryResourceLock(secondaryStore, "ns", "app", ResourceLockConfig.of(identity));
  }

  private MultiLock multi(String identity) {
    return new MultiLock(primary(identity), secondary(identity));
  }

  private static LeaderElectionRecord held(String holder, int transitions) {
    return LeaderElectionRecord.of(holder, 15, T, T, transitions);
  }

  @Test
  @DisplayName("get with the secondary missing and the primary held by someone else returns the primary alone")
  void oldCandidateHolds() throws Exception {
    primary("old").create(held("old", 0));
    ObservedRecord got = multi("new").get();
    assertEquals(held("old", 0), got.record());
    assertArrayEquals(LeaderElectionRecordCodec.encode(held("old", 0)), got.raw());
  }

  @Test
  @DisplayName("get with the secondary missing and the primary naming this candidate reports the secondary missing")
  void ownPrimaryWithoutSecondary() throws Exception {
    primary("me").create(held("me", 0));
    assertThrows(RecordNotFoundException.class, () -> multi("me").get());
  }

  @Test
  @DisplayName("get with the primary missing reports the record missing")
  void primaryMissing() {
    assertThrows(RecordNotFoundException.class, () -> multi("me").get());
  }

  @Test
  @DisplayName("get with both records naming one holder returns the primary with raw bytes primary + \",\" + secondary")
  void sameHolder() throws Exception {
    primary("a").create(held("a", 1));
    secondary("a").create(held("a", 2));
    ObservedRecord got = multi("b").get();
    assertEquals(held("a", 1), got.record());
    String expected = new String(LeaderElectionRecordCodec.encode(held("a", 1)), StandardCharsets.UTF_8) + ","
        + new String(LeaderElectionRecordCodec.encode(held("a", 2)), StandardCharsets.UTF_8);
    assertEquals(expected, new String(got.raw(), StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("get with different holders returns the primary with holder leaderelection.k8s.io/unknown, raw re-encoded")
  void differentHolders() throws Exception {
    primary("a").create(held("a", 1));
    secondary("b").create(held("b", 1));
    ObservedRecord got = multi("c").get();
    LeaderElectionRecord unknown = held(MultiLock.UNKNOWN_LEADER, 1);
    assertEquals(unknown, got.record());
    assertArrayEquals(MultiLock.concatRawRecord(LeaderElectionRecordCodec.encode(unknown),
        LeaderElectionRecordCodec.encode(held("b", 1))), got.raw());
  }

  @Test
  @DisplayName("create accepts an existing primary naming this candidate and creates the secondary; an existing secondary is already-exists")
  void create() throws Exception {
    primary("me").create(held("me", 0));
    MultiLock lock = multi("me");
    lock.create(held("me", 1));
    assertEquals(held("me", 0), primary("x").get().record(), "the existing primary is left alone");
    assertEquals(held("me", 1), secondary("x").get().record());
    assertThrows(RecordAlreadyExistsException.class, () -> multi("me").create(held("me", 2)));
  }

  @Test
  @DisplayName("create on a primary another candidate just created fails with already-exists and leaves the secondary alone (client-go would split the election)")
  void createRace() throws Exception {
    primary("winner").create(held("winner", 0));
    assertThrows(RecordAlreadyExistsException.class, () -> multi("loser").create(held("loser", 0)));
    assertThrows(RecordNotFoundException.class, () -> secondary("x").get(), "the secondary must not be created");
  }

  @Test
  @DisplayName("update writes the primary, then creates the secondary when it is missing, else updates it")
  void update() throws Exception {
    primary("old").create(held("old", 0));
    MultiLock lock = multi("new");
    lock.get();
    lock.update(held("new", 1));
    assertEquals(held("new", 1), primary("x").get().record());
    assertEquals(held("new", 1), secondary("x").get().record());
    lock.update(held("new", 2));
    assertEquals(held("new", 2), secondary("x").get().record());
  }

  @Test
  @DisplayName("update fails with a conflict when the primary changed since this instance read it, and writes nothing")
  void updateConflict() throws Exception {
    MultiLock a = multi("a");
    a.create(held("a", 0));
    MultiLock b = multi("b");
    b.get();
    b.update(held("b", 1));
    assertThrows(UpdateConflictException.class, () -> a.update(held("a", 5)));
    assertEquals(held("b", 1), secondary("x").get().record(), "the secondary must not be written after a lost primary");
  }

  @Test
  @DisplayName("Events go to both locks; identity, describe and revision are the primary's")
  void delegation() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    EventRecorder recorder = (obj, type, reason, fmt, args) -> events.add(obj + ": " + String.format(fmt, args));
    InMemoryResourceLock p = new InMemoryResourceLock(primaryStore, "ns", "app", new ResourceLockConfig("me", recorder));
    InMemoryResourceLock s = new InMemoryResourceLock(secondaryStore, "ns", "app", new ResourceLockConfig("me", recorder));
    MultiLock lock = new MultiLock(p, s);
    lock.recordEvent("became leader");
    assertEquals(List.of("ns/app: me became leader", "ns/app: me became leader"), events);
    assertEquals("me", lock.identity());
    assertEquals(p.describe(), lock.describe());
    lock.create(held("me", 0));
    assertEquals(p.revision(), lock.revision());
    assertTrue(lock.toString().contains("primary"));
  }

  /** A part that records being closed, and may fail to close. */
  private final class ClosingLock extends InMemoryResourceLock {
    private final RuntimeException failure;
    boolean closed;

    ClosingLock(InMemoryLockStore store, RuntimeException failure) {
      super(store, "ns", "app", ResourceLockConfig.of("me"));
      this.failure = failure;
    }

    @Override
    public void close() {
      closed = true;
      if (failure != null) {
        throw failure;
      }
    }
  }

  @Test
  @DisplayName("close closes both parts, even when the first fails, and reports every failure")
  void closesBothParts() {
    ClosingLock p = new ClosingLock(primaryStore, new IllegalStateException("primary broken"));
    ClosingLock s = new ClosingLock(secondaryStore, new IllegalStateException("secondary broken"));
    Exception e = assertThrows(IllegalStateException.class, () -> new MultiLock(p, s).close());
    assertTrue(p.closed && s.closed);
    assertEquals("primary broken", e.getMessage());
    assertEquals("secondary broken", e.getSuppressed()[0].getMessage());
  }

  @Test
  @DisplayName("Two parts with different identities are refused")
  void identitiesMustMatch() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MultiLock(primary("a"), secondary("b")));
    assertTrue(e.getMessage().contains("'a' and 'b'"), e.getMessage());
  }
}
