package dev.baton.spring.boot;

import dev.baton.leaderelection.LeaderContext;
import java.time.Duration;
import org.apiguardian.api.API;

/**
 * This instance became the leader: published after the lock write that made it the holder
 * succeeded and after every {@link LeaderLifecycle} started. Start leader-only work on your own
 * threads from here, check {@link LeaderContext#isLeading()} before each action, and stop it on
 * {@link LeadershipRevokedEvent} (or when {@link LeaderContext#cancellation()} completes).
 *
 * <pre>{@code
 * @EventListener
 * void onGranted(LeadershipGrantedEvent event) {
 *   log.info("leading with fencing token {} for at least {}", event.fencingToken(), event.validFor());
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public class LeadershipGrantedEvent extends LeadershipEvent {
  private static final long serialVersionUID = 1L;

  /**
   * @param source the leadership
   * @param term the term that began
   */
  public LeadershipGrantedEvent(Leadership source, LeaderContext term) {
    super(source, term);
  }

  /** How long the term is still known to be valid ({@link LeaderContext#validFor()}, computed now). */
  public Duration validFor() {
    return term().validFor();
  }
}
