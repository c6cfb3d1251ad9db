package dev.baton.leaderelection.resourcelock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("LeaderElectionRecord.builder()")
class LeaderElectionRecordBuilderTest {

  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00.123456Z");
  private static final Instant T1 = Instant.parse("2024-05-01T10:00:07Z");

  @Test
  @DisplayName("sets every field, giving the record the canonical constructor gives")
  void everyField() {
    LeaderElectionRecord built = LeaderElectionRecord.builder()
        .holderIdentity("node-a")
        .leaseDurationSeconds(15)
        .acquireTime(T0)
        .renewTime(T1)
        .leaderTransitions(3)
        .strategy("OldestEmulationVersion")
        .preferredHolder("node-b")
        .build();
    assertEquals(new LeaderElectionRecord("node-a", 15, T0, T1, 3, "OldestEmulationVersion", "node-b"), built);
  }

  @Test
  @DisplayName("starts from Go's zero values: no holder, 0 s, no times, 0 transitions, no strategy")
  void zeroValues() {
    LeaderElectionRecord empty = LeaderElectionRecord.builder().build();
    assertEquals(new LeaderElectionRecord("", 0, null, null, 0, "", ""), empty);
    assertEquals(LeaderElectionRecord.of("node-a", 15, null, null, 0),
        LeaderElectionRecord.builder().holderIdentity("node-a").leaseDurationSeconds(15).build());
  }

  @Test
  @DisplayName("applies the record's rules: null strings become empty, Go's zero time becomes null")
  void normalises() {
    LeaderElectionRecord r = LeaderElectionRecord.builder()
        .holderIdentity(null)
        .strategy(null)
        .preferredHolder(null)
        .acquireTime(Instant.parse("0001-01-01T00:00:00Z"))
        .build();
    assertEquals("", r.holderIdentity());
    assertEquals("", r.strategy());
    assertEquals("", r.preferredHolder());
    assertNull(r.acquireTime());
  }

  @Test
  @DisplayName("refuses negative counts when it builds, with the record's own message")
  void refusesNegatives() {
    LeaderElectionRecord.Builder b = LeaderElectionRecord.builder().leaseDurationSeconds(-1);
    assertEquals("leaseDurationSeconds must not be negative, was -1",
        assertThrows(IllegalArgumentException.class, b::build).getMessage());
    assertEquals("leaderTransitions must not be negative, was -2", assertThrows(IllegalArgumentException.class,
        () -> LeaderElectionRecord.builder().leaderTransitions(-2).build()).getMessage());
  }

  @Test
  @DisplayName("toBuilder() carries every field, so build() gives an equal record")
  void toBuilderRoundTrip() {
    LeaderElectionRecord r = new LeaderElectionRecord("node-a", 15, T0, T1, 3, "s", "p");
    assertEquals(r, r.toBuilder().build());
  }

  @Test
  @DisplayName("toBuilder() changes one field and leaves the record it came from as it was")
  void toBuilderChangesACopy() {
    LeaderElectionRecord r = new LeaderElectionRecord("node-a", 15, T0, T1, 3, "s", "p");
    LeaderElectionRecord renewed = r.toBuilder().renewTime(T1.plusSeconds(2)).build();
    assertEquals(new LeaderElectionRecord("node-a", 15, T0, T1.plusSeconds(2), 3, "s", "p"), renewed);
    assertEquals(T1, r.renewTime());
    assertNotEquals(r, renewed);
  }

  @Test
  @DisplayName("a builder can build several records, each from the fields set so far")
  void reusable() {
    LeaderElectionRecord.Builder b = LeaderElectionRecord.builder().holderIdentity("node-a").leaseDurationSeconds(15);
    LeaderElectionRecord first = b.build();
    LeaderElectionRecord second = b.leaderTransitions(1).build();
    assertEquals(0, first.leaderTransitions());
    assertEquals(1, second.leaderTransitions());
  }

  @Test
  @DisplayName("the builder's record encodes to the same bytes as the constructor's")
  void sameBytes() {
    LeaderElectionRecord built = LeaderElectionRecord.builder().holderIdentity("node-a").leaseDurationSeconds(15)
        .acquireTime(T0).renewTime(T1).leaderTransitions(3).build();
    assertEquals(new String(LeaderElectionRecordCodec.encode(LeaderElectionRecord.of("node-a", 15, T0, T1, 3))),
        new String(LeaderElectionRecordCodec.encode(built)));
  }
}
