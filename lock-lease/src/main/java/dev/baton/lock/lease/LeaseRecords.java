package dev.baton.lock.lease;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.apiguardian.api.API;

/**
 * client-go's conversions between a {@link LeaderElectionRecord} and a Lease's spec
 * ({@code LeaderElectionRecordToLeaseSpec} and {@code LeaseSpecToLeaderElectionRecord}):
 * {@code leaderTransitions} is {@code leaseTransitions}; times are MicroTime (the API server keeps
 * microseconds); {@code strategy} and {@code preferredHolder} are set only when not empty; absent
 * fields read as zero values.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class LeaseRecords {
  private LeaseRecords() {
  }

  /**
   * The spec a record is written as.
   *
   * @param record the record
   * @return a new spec
   */
  public static LeaseSpec toLeaseSpec(LeaderElectionRecord record) {
    LeaseSpec spec = new LeaseSpec();
    spec.setHolderIdentity(record.holderIdentity());
    spec.setLeaseDurationSeconds(record.leaseDurationSeconds());
    spec.setAcquireTime(time(record.acquireTime()));
    spec.setRenewTime(time(record.renewTime()));
    spec.setLeaseTransitions(record.leaderTransitions());
    if (!record.strategy().isEmpty()) {
      spec.setStrategy(record.strategy());
    }
    if (!record.preferredHolder().isEmpty()) {
      spec.setPreferredHolder(record.preferredHolder());
    }
    return spec;
  }

  /**
   * The record a spec holds; a missing spec or missing fields read as zero values.
   *
   * @param spec the spec, possibly {@code null}
   * @return the record
   */
  public static LeaderElectionRecord toRecord(LeaseSpec spec) {
    if (spec == null) {
      return new LeaderElectionRecord("", 0, null, null, 0, "", "");
    }
    return new LeaderElectionRecord(
        spec.getHolderIdentity() == null ? "" : spec.getHolderIdentity(),
        spec.getLeaseDurationSeconds() == null ? 0 : Math.max(0, spec.getLeaseDurationSeconds()),
        instant(spec.getAcquireTime()),
        instant(spec.getRenewTime()),
        spec.getLeaseTransitions() == null ? 0 : Math.max(0, spec.getLeaseTransitions()),
        spec.getStrategy() == null ? "" : spec.getStrategy(),
        spec.getPreferredHolder() == null ? "" : spec.getPreferredHolder());
  }

  private static ZonedDateTime time(Instant instant) {
    return instant == null ? null : instant.atZone(ZoneOffset.UTC);
  }

  private static Instant instant(ZonedDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
