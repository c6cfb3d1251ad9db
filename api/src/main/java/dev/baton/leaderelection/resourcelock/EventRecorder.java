package dev.baton.leaderelection.resourcelock;

import org.apiguardian.api.API;

/**
 * Records events about a lock (client-go's {@code resourcelock.EventRecorder}). The elector emits
 * "became leader" and "stopped leading" through {@link ResourceLock#recordEvent(String)}, which a
 * backend turns into a call of this recorder with the lock's own object as the subject.
 */
@FunctionalInterface
@API(status = API.Status.STABLE, since = "0.1.0")
public interface EventRecorder {

  /** Event type for normal, informational events (Kubernetes' {@code Normal}). */
  String NORMAL = "Normal";

  /** Event type for events that may need attention (Kubernetes' {@code Warning}). */
  String WARNING = "Warning";

  /** A recorder that drops every event. */
  EventRecorder NONE = (obj, type, reason, messageFmt, args) -> { };

  /**
   * Records one event.
   *
   * @param obj the object the event is about (a backend-specific description of the lock)
   * @param eventType {@link #NORMAL} or {@link #WARNING}
   * @param reason a short machine-readable reason, such as {@code LeaderElection}
   * @param messageFmt a {@link String#format(String, Object...)} pattern
   * @param args the pattern's arguments
   */
  void eventf(Object obj, String eventType, String reason, String messageFmt, Object... args);
}
