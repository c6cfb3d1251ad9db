package dev.baton.leaderelection.resourcelock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("LeaderElectionRecord")
class LeaderElectionRecordTest {

  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00.123456Z");
  private static final Instant T1 = Instant.parse("2024-05-01T10:00:07Z");

  @Test
  @DisplayName("turns null strings into empty strings")
  void nullStrings() {
    LeaderElectionRecord r = new LeaderElectionRecord(null, 15, T0, T1, 1, null, null);
    assertEquals("", r.holderIdentity());
    assertEquals("", r.strategy());
    assertEquals("", r.preferredHolder());
    assertEquals(new LeaderElectionRecord("", 15, T0, T1, 1, "", ""), r);
  }

  @Test
  @DisplayName("reads Go's zero time 0001-01-01T00:00:00Z as null, but keeps times just after it")
  void goZeroTime() {
    Instant zero = Instant.parse("0001-01-01T00:00:00Z");
    LeaderElectionRecord r = LeaderElectionRecord.of("a", 1, zero, zero, 0);
    assertNull(r.acquireTime());
    assertNull(r.renewTime());
    assertEquals(LeaderElectionRecord.of("a", 1, null, null, 0), r);
    Instant justAfter = Instant.parse("0001-01-01T00:00:00.000001Z");
    assertEquals(justAfter, LeaderElectionRecord.of("a", 1, justAfter, null, 0).acquireTime());
  }

  @Test
  @DisplayName("keeps the full precision of times (only the JSON form truncates)")
  void keepsPrecision() {
    assertEquals(T0, LeaderElectionRecord.of("a", 1, T0, T0, 0).acquireTime());
    assertEquals(T0, LeaderElectionRecord.of("a", 1, T0, T0, 0).renewTime());
  }

  @Test
  @DisplayName("rejects a negative lease duration or transition count, saying which and the value")
  void negatives() {
    assertEquals("leaseDurationSeconds must not be negative, was -1", assertThrows(IllegalArgumentException.class,
        () -> LeaderElectionRecord.of("a", -1, null, null, 0)).getMessage());
    assertEquals("leaderTransitions must not be negative, was -2", assertThrows(IllegalArgumentException.class,
        () -> LeaderElectionRecord.of("a", 1, null, null, -2)).getMessage());
  }

  @Test
  @DisplayName("allows zero for both counts")
  void zeros() {
    LeaderElectionRecord r = LeaderElectionRecord.of("a", 0, null, null, 0);
    assertEquals(0, r.leaseDurationSeconds());
    assertEquals(0, r.leaderTransitions());
  }

  @Test
  @DisplayName("of() leaves strategy and preferredHolder empty")
  void of() {
    assertEquals(new LeaderElectionRecord("a", 15, T0, T1, 3, "", ""), LeaderElectionRecord.of("a", 15, T0, T1, 3));
  }

  @Test
  @DisplayName("is released exactly when the holder is empty")
  void released() {
    assertTrue(LeaderElectionRecord.of("", 1, null, null, 0).isReleased());
    assertTrue(LeaderElectionRecord.of(null, 1, null, null, 0).isReleased());
    assertFalse(LeaderElectionRecord.of(" ", 1, null, null, 0).isReleased());
    assertFalse(LeaderElectionRecord.of("a", 1, null, null, 0).isReleased());
  }

  @Test
  @DisplayName("with-methods change one field, keep the others and leave the original untouched")
  void withMethods() {
    LeaderElectionRecord r = new LeaderElectionRecord("a", 15, T0, T1, 3, "s", "p");
    assertEquals(new LeaderElectionRecord("b", 15, T0, T1, 3, "s", "p"), r.withHolderIdentity("b"));
    assertEquals(new LeaderElectionRecord("", 15, T0, T1, 3, "s", "p"), r.withHolderIdentity(null));
    assertEquals(new LeaderElectionRecord("a", 15, T0, T0, 3, "s", "p"), r.withRenewTime(T0));
    assertEquals(new LeaderElectionRecord("a", 15, T0, null, 3, "s", "p"), r.withRenewTime(null));
    assertEquals(new LeaderElectionRecord("a", 15, T0, T1, 4, "s", "p"), r.withLeaderTransitions(4));
    assertThrows(IllegalArgumentException.class, () -> r.withLeaderTransitions(-1));
    assertEquals(new LeaderElectionRecord("a", 15, T0, T1, 3, "s", "p"), r);
  }

  @Test
  @DisplayName("equality covers every field")
  void equality() {
    LeaderElectionRecord r = new LeaderElectionRecord("a", 15, T0, T1, 3, "s", "p");
    assertEquals(r, new LeaderElectionRecord("a", 15, T0, T1, 3, "s", "p"));
    assertEquals(r.hashCode(), new LeaderElectionRecord("a", 15, T0, T1, 3, "s", "p").hashCode());
    assertNotEquals(r, new LeaderElectionRecord("b", 15, T0, T1, 3, "s", "p"));
    assertNotEquals(r, new LeaderElectionRecord("a", 16, T0, T1, 3, "s", "p"));
    assertNotEquals(r, new LeaderElectionRecord("a", 15, T1, T1, 3, "s", "p"));
    assertNotEquals(r, new LeaderElectionRecord("a", 15, T0, T0, 3, "s", "p"));
    assertNotEquals(r, new LeaderElectionRecord("a", 15, T0, T1, 4, "s", "p"));
    assertNotEquals(r, new LeaderElectionRecord("a", 15, T0, T1, 3, "x", "p"));
    assertNotEquals(r, new LeaderElectionRecord("a", 15, T0, T1, 3, "s", "x"));
  }
}
