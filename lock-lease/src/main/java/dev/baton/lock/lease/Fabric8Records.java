package dev.baton.lock.lease;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes the record fabric8's own {@code ConfigMapLock} keeps in the leader annotation:
 * {@code {"holderIdentity":"a","leaseDuration":"PT15S","acquireTime":"2030-01-01T00:00:00.123000Z",
 * "renewTime":"...","leaderTransitions":3}} (a Java duration instead of {@code leaseDurationSeconds},
 * times in UTC with exactly six fractional digits, which fabric8 8.0's {@code LeaderElectionRecord}
 * requires; no {@code strategy} nor {@code preferredHolder}).
 */
final class Fabric8Records {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** fabric8's {@code @JsonFormat(timezone = "UTC", pattern = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")}. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private Fabric8Records() {
  }

  /**
   * The record, when {@code raw} is fabric8's form.
   *
   * @param raw the annotation's bytes
   * @return the record, or empty when the bytes are not fabric8's form
   */
  static Optional<LeaderElectionRecord> decode(byte[] raw) {
    try {
      JsonNode root = JSON.readTree(raw);
      if (root == null || !root.isObject()) {
        return Optional.empty();
      }
      JsonNode holder = root.get("holderIdentity");
      JsonNode duration = root.get("leaseDuration");
      // fabric8's release drops the null holder (its patch omits nulls): a present leaseDuration
      // without a holder is a released record, not a corrupt one.
      if ((holder != null && !(holder.isString() || holder.isNull())) || duration == null || !duration.isString()) {
        return Optional.empty();
      }
      Duration lease = Duration.parse(duration.asString());
      JsonNode transitions = root.get("leaderTransitions");
      int leaderTransitions = transitions == null || transitions.isNull() ? 0 : transitions.asInt();
      if (lease.isNegative() || lease.getSeconds() > Integer.MAX_VALUE || leaderTransitions < 0) {
        return Optional.empty();
      }
      // Whole seconds, rounded up: a follower that rounds a 2.5 s lease down to 2 s takes over before
      // fabric8's leader has stopped.
      long seconds = lease.getSeconds() + (lease.getNano() > 0 ? 1 : 0);
      if (seconds > Integer.MAX_VALUE) {
        return Optional.empty();
      }
      return Optional.of(new LeaderElectionRecord(holder == null || holder.isNull() ? "" : holder.asString(), (int) seconds,
          time(root.get("acquireTime")), time(root.get("renewTime")), leaderTransitions, "", ""));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The record in fabric8's form, as fabric8 8.0's {@code Serialization.asJson} writes its own
   * {@code LeaderElectionRecord}: keys in fabric8's order; an empty holder (a release) left out, as
   * fabric8 leaves out its null holder; times truncated to microseconds; a missing time left out
   * (fabric8 cannot read such a record; Baton's elector always writes both times).
   * {@code strategy} and {@code preferredHolder} have no place in this form and are not written.
   *
   * @param record the record
   * @return UTF-8 JSON bytes
   */
  static byte[] encode(LeaderElectionRecord record) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(192);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      if (!record.holderIdentity().isEmpty()) {
        g.writeStringProperty("holderIdentity", record.holderIdentity());
      }
      g.writeStringProperty("leaseDuration", Duration.ofSeconds(record.leaseDurationSeconds()).toString());
      if (record.acquireTime() != null) {
        g.writeStringProperty("acquireTime", formatTime(record.acquireTime()));
      }
      if (record.renewTime() != null) {
        g.writeStringProperty("renewTime", formatTime(record.renewTime()));
      }
      g.writeNumberProperty("leaderTransitions", record.leaderTransitions());
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  /** A time as fabric8 writes it: UTC, six fractional digits. */
  static String formatTime(Instant time) {
    return TIME.format(time.truncatedTo(ChronoUnit.MICROS));
  }

  private static Instant time(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    return OffsetDateTime.parse(node.asString()).toInstant();
  }
}
