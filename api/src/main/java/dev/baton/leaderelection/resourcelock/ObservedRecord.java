package dev.baton.leaderelection.resourcelock;

import java.util.Arrays;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * What {@link ResourceLock#get()} read: the record together with the raw bytes it was decoded from
 * (client-go's {@code (*LeaderElectionRecord, []byte, error)} result).
 *
 * <p>The elector compares raw bytes, not records, to decide whether the record changed since it
 * last looked: two reads of an unchanged record give equal bytes. The bytes are copied in and out,
 * so an instance is immutable.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class ObservedRecord {
  private final LeaderElectionRecord record;
  private final byte[] raw;

  /**
   * @param record the decoded record
   * @param raw the bytes the record was decoded from (copied)
   */
  public ObservedRecord(LeaderElectionRecord record, byte[] raw) {
    this.record = Objects.requireNonNull(record, "record");
    this.raw = Objects.requireNonNull(raw, "raw").clone();
  }

  /** The decoded record. */
  public LeaderElectionRecord record() {
    return record;
  }

  /** A copy of the raw bytes the record was decoded from. */
  public byte[] raw() {
    return raw.clone();
  }

  /**
   * Whether these raw bytes equal {@code other}'s, without copying either.
   *
   * @param other another observation, or {@code null}
   * @return {@code true} when both hold the same bytes
   */
  public boolean sameRawAs(ObservedRecord other) {
    return other != null && Arrays.equals(raw, other.raw);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObservedRecord that && record.equals(that.record) && Arrays.equals(raw, that.raw);
  }

  @Override
  public int hashCode() {
    return 31 * record.hashCode() + Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return "ObservedRecord{" + record + ", " + raw.length + " raw bytes}";
  }
}
