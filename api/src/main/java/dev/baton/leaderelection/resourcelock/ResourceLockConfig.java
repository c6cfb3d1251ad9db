package dev.baton.leaderelection.resourcelock;

import java.util.Objects;
import org.apiguardian.api.API;
import org.slf4j.LoggerFactory;

/**
 * Common configuration of every lock (client-go's {@code ResourceLockConfig}).
 *
 * @param identity the unique identity of this candidate, written as {@code holderIdentity} when it
 *     leads (for example the pod name); the elector rejects an empty identity
 * @param eventRecorder where lock events go; {@link EventRecorder#NONE} when none is wanted
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public record ResourceLockConfig(String identity, EventRecorder eventRecorder) {

  /** Checks that the identity is present; a missing recorder becomes {@link EventRecorder#NONE}. */
  public ResourceLockConfig {
    Objects.requireNonNull(identity, "identity must not be null: give each candidate a unique identity such as its pod name");
    eventRecorder = eventRecorder == null ? EventRecorder.NONE : eventRecorder;
  }

  /**
   * A configuration without an event recorder.
   *
   * @param identity the candidate's unique identity
   * @return the configuration
   */
  public static ResourceLockConfig of(String identity) {
    return new ResourceLockConfig(identity, EventRecorder.NONE);
  }

  /**
   * Records a leader-election event as client-go's locks do: type {@code Normal}, reason
   * {@code LeaderElection}, message {@code "<identity> <message>"}. Never throws: a failing recorder
   * is logged. Locks call this from {@link ResourceLock#recordEvent}.
   *
   * @param subject what the event is about (the lock's object, or its description)
   * @param message what happened, such as {@code "became leader"}
   */
  public void recordLeaderEvent(Object subject, String message) {
    try {
      eventRecorder.eventf(subject, EventRecorder.NORMAL, "LeaderElection", "%s %s", identity, message);
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(ResourceLockConfig.class).warn("event recorder failed to record '{} {}' about {}: {}",
          identity, message, subject, e.toString());
    }
  }
}
