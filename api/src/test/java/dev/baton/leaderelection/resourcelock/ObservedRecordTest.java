package dev.baton.leaderelection.resourcelock;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ObservedRecord")
class ObservedRecordTest {

  private static final LeaderElectionRecord RECORD = LeaderElectionRecord.of("a", 15, null, null, 0);

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  @DisplayName("copies the raw bytes it is given, so the caller's later writes do not change it")
  void copiesIn() {
    byte[] raw = bytes("abc");
    ObservedRecord o = new ObservedRecord(RECORD, raw);
    raw[0] = 'X';
    assertArrayEquals(bytes("abc"), o.raw());
  }

  @Test
  @DisplayName("hands out a fresh copy of the raw bytes each time")
  void copiesOut() {
    ObservedRecord o = new ObservedRecord(RECORD, bytes("abc"));
    byte[] first = o.raw();
    first[0] = 'X';
    assertArrayEquals(bytes("abc"), o.raw());
    assertNotSame(o.raw(), o.raw());
  }

  @Test
  @DisplayName("sameRawAs compares bytes, not arrays or records")
  void sameRawAs() {
    ObservedRecord a = new ObservedRecord(RECORD, bytes("{\"x\":1}"));
    ObservedRecord sameBytes = new ObservedRecord(LeaderElectionRecord.of("other", 1, null, null, 0), bytes("{\"x\":1}"));
    ObservedRecord otherBytes = new ObservedRecord(RECORD, bytes("{\"x\": 1}"));
    assertTrue(a.sameRawAs(a));
    assertTrue(a.sameRawAs(sameBytes));
    assertTrue(sameBytes.sameRawAs(a));
    assertFalse(a.sameRawAs(otherBytes));
    assertFalse(a.sameRawAs(new ObservedRecord(RECORD, bytes("{\"x\":1"))));
    assertFalse(a.sameRawAs(null));
    assertTrue(new ObservedRecord(RECORD, new byte[0]).sameRawAs(new ObservedRecord(RECORD, new byte[0])));
  }

  @Test
  @DisplayName("equals and hashCode cover both the record and the bytes")
  void equality() {
    ObservedRecord a = new ObservedRecord(RECORD, bytes("abc"));
    ObservedRecord b = new ObservedRecord(LeaderElectionRecord.of("a", 15, null, null, 0), bytes("abc"));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, new ObservedRecord(RECORD, bytes("abd")));
    assertNotEquals(a, new ObservedRecord(LeaderElectionRecord.of("b", 15, null, null, 0), bytes("abc")));
    assertNotEquals(a, "abc");
  }

  @Test
  @DisplayName("toString shows the record and the byte count, not the bytes")
  void toStringShape() {
    ObservedRecord o = new ObservedRecord(RECORD, bytes("secret-bytes"));
    assertEquals("ObservedRecord{" + RECORD + ", 12 raw bytes}", o.toString());
  }

  @Test
  @DisplayName("rejects a null record or null bytes by name")
  void nulls() {
    assertEquals("record", assertThrows(NullPointerException.class, () -> new ObservedRecord(null, new byte[0]))
        .getMessage());
    assertEquals("raw", assertThrows(NullPointerException.class, () -> new ObservedRecord(RECORD, null)).getMessage());
  }
}
