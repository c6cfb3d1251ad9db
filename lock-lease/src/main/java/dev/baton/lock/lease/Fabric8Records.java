package dev.baton.lock.lease;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the record fabric8's own {@code ConfigMapLock} writes into the leader annotation:
 * {@code {"holderIdentity":"a","leaseDuration":"PT15S","acquireTime":"2030-01-01T00:00:00.123000Z",
 * "renewTime":"...","leaderTransitions":3}} (a Java duration instead of {@code leaseDurationSeconds}).
 */
final class Fabric8Records {
  private static final JsonMapper JSON = JsonMapper.builder().build();

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

  private static Instant time(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    return OffsetDateTime.parse(node.asString()).toInstant();
  }
}
