package dev.baton.lock.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** fabric8's annotation format, as its own ConfigMapLock writes it. */
class Fabric8RecordsTest {

  private static LeaderElectionRecord decode(String json) {
    return Fabric8Records.decode(json.getBytes(StandardCharsets.UTF_8)).orElseThrow(
        () -> new AssertionError("not read as fabric8's format: " + json));
  }

  @Test
  @DisplayName("A held record reads with its holder, whole-second lease, times and transitions")
  void held() {
    LeaderElectionRecord r = decode("{\"holderIdentity\":\"a\",\"leaseDuration\":\"PT15S\","
        + "\"acquireTime\":\"2030-01-01T00:00:00.123000Z\",\"renewTime\":\"2030-01-01T00:00:05.000000Z\",\"leaderTransitions\":3}");
    assertEquals("a", r.holderIdentity());
    assertEquals(15, r.leaseDurationSeconds());
    assertEquals(Instant.parse("2030-01-01T00:00:00.123Z"), r.acquireTime());
    assertEquals(3, r.leaderTransitions());
  }

  @Test
  @DisplayName("Sub-second lease durations round up, never down: PT2.5S is 3 s, PT0.001S is 1 s")
  void subSecondRoundsUp() {
    assertEquals(3, decode("{\"holderIdentity\":\"a\",\"leaseDuration\":\"PT2.5S\"}").leaseDurationSeconds());
    assertEquals(1, decode("{\"holderIdentity\":\"a\",\"leaseDuration\":\"PT0.001S\"}").leaseDurationSeconds());
    assertEquals(2, decode("{\"holderIdentity\":\"a\",\"leaseDuration\":\"PT2S\"}").leaseDurationSeconds());
  }

  @Test
  @DisplayName("fabric8's release, which omits the null holder, reads as a released record (holder \"\")")
  void releaseWithoutHolder() {
    LeaderElectionRecord r = decode("{\"leaseDuration\":\"PT1S\",\"acquireTime\":\"2030-01-01T00:00:00.000000Z\","
        + "\"renewTime\":\"2030-01-01T00:00:00.000000Z\",\"leaderTransitions\":4}");
    assertEquals("", r.holderIdentity());
    assertEquals(1, r.leaseDurationSeconds());
    assertEquals(4, r.leaderTransitions());
  }

  @Test
  @DisplayName("A holder that is not a string, or no leaseDuration, is not fabric8's format")
  void notFabric8() {
    assertTrue(Fabric8Records.decode("{\"holderIdentity\":5,\"leaseDuration\":\"PT1S\"}".getBytes(StandardCharsets.UTF_8)).isEmpty());
    assertTrue(Fabric8Records.decode("{\"holderIdentity\":\"a\"}".getBytes(StandardCharsets.UTF_8)).isEmpty());
  }
}
