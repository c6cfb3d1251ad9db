package dev.baton.spring.boot.actuate;

import dev.baton.leaderelection.LeaderContext;
import dev.baton.spring.boot.Leadership;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the health and info contributors show of a {@link Leadership}. */
final class LeadershipDetails {

  private LeadershipDetails() {
  }

  /** {@code leader}, {@code follower} or {@code stopped}. */
  static String role(Leadership leadership) {
    if (leadership.isLeader()) {
      return "leader";
    }
    return leadership.isRunning() && leadership.failure().isEmpty() ? "follower" : "stopped";
  }

  static Map<String, Object> of(Leadership leadership) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("role", role(leadership));
    details.put("identity", leadership.identity());
    details.put("leader", leadership.leader());
    details.put("lock", leadership.lockDescription());
    leadership.currentTerm().ifPresent(term -> {
      details.put("fencingToken", term.fencingToken());
      details.put("validFor", term.validFor().toString());
      details.put("lastRenewal", lastRenewal(leadership, term).toString());
    });
    return details;
  }

  /**
   * When the term's last successful renewal started: its validity deadline less renewDeadline, on
   * the system runtime's clock ({@link System#nanoTime()}), shown as wall-clock time.
   */
  static Instant lastRenewal(Leadership leadership, LeaderContext term) {
    long startNanos = term.deadlineNanos() - leadership.renewDeadline().toNanos();
    return Instant.now().minusNanos(System.nanoTime() - startNanos);
  }
}
