package dev.baton.lock.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** client-go's record to LeaseSpec conversions, with golden JSON as the API server stores it. */
class LeaseRecordsTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final Instant ACQUIRED = Instant.parse("2030-01-02T03:04:05.123456Z");
  private static final Instant RENEWED = Instant.parse("2030-01-02T03:04:15Z");

  @Test
  @DisplayName("A record becomes a spec with leaseTransitions and MicroTime (6 fractional digits); empty strategy and preferred holder are left out")
  void toSpecGolden() {
    LeaseSpec spec = LeaseRecords.toLeaseSpec(new LeaderElectionRecord("pod-a", 15, ACQUIRED, RENEWED, 4, "", ""));
    assertEquals("{\"acquireTime\":\"2030-01-02T03:04:05.123456Z\",\"holderIdentity\":\"pod-a\",\"leaseDurationSeconds\":15,"
        + "\"leaseTransitions\":4,\"renewTime\":\"2030-01-02T03:04:15.000000Z\"}", JSON.asJson(spec));
  }

  @Test
  @DisplayName("Strategy and preferred holder are written when set")
  void toSpecWithStrategy() {
    LeaseSpec spec = LeaseRecords.toLeaseSpec(new LeaderElectionRecord("pod-a", 15, ACQUIRED, RENEWED, 0,
        "OldestEmulationVersion", "pod-b"));
    assertEquals("OldestEmulationVersion", spec.getStrategy());
    assertEquals("pod-b", spec.getPreferredHolder());
  }

  @Test
  @DisplayName("A spec read from the API becomes the record, field by field")
  void fromSpecGolden() {
    LeaseSpec spec = JSON.unmarshal("{\"acquireTime\":\"2030-01-02T03:04:05.123456Z\",\"holderIdentity\":\"pod-a\","
        + "\"leaseDurationSeconds\":15,\"leaseTransitions\":4,\"renewTime\":\"2030-01-02T03:04:15.000000Z\","
        + "\"strategy\":\"OldestEmulationVersion\",\"preferredHolder\":\"pod-b\"}", LeaseSpec.class);
    assertEquals(new LeaderElectionRecord("pod-a", 15, ACQUIRED, RENEWED, 4, "OldestEmulationVersion", "pod-b"),
        LeaseRecords.toRecord(spec));
  }

  @Test
  @DisplayName("A missing spec or missing fields read as zero values, never a NullPointerException")
  void zeroValues() {
    LeaderElectionRecord zero = new LeaderElectionRecord("", 0, null, null, 0, "", "");
    assertEquals(zero, LeaseRecords.toRecord(null));
    assertEquals(zero, LeaseRecords.toRecord(new LeaseSpec()));
    LeaderElectionRecord half = LeaseRecords.toRecord(JSON.unmarshal("{\"holderIdentity\":\"pod-a\"}", LeaseSpec.class));
    assertEquals("pod-a", half.holderIdentity());
    assertEquals(0, half.leaseDurationSeconds());
    assertNull(half.renewTime());
  }

  @Test
  @DisplayName("A zero time is left out of the spec, as client-go's nil MicroTime")
  void zeroTime() {
    LeaseSpec spec = LeaseRecords.toLeaseSpec(new LeaderElectionRecord("", 1, null, null, 2, "", ""));
    assertEquals("{\"holderIdentity\":\"\",\"leaseDurationSeconds\":1,\"leaseTransitions\":2}", JSON.asJson(spec));
  }
}
