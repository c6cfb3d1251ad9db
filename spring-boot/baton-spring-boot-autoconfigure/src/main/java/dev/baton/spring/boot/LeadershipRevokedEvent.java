package dev.baton.spring.boot;

import dev.baton.leaderelection.LeaderContext;
import org.apiguardian.api.API;

/**
 * This instance's term ended: leadership was lost, given up ({@link Leadership#stepDown()}), or the
 * application is stopping. Published before each {@link LeaderLifecycle#stopLeading()} runs and
 * before the lock is released, so stop leader-only work in the listener: once it returns, another
 * instance may take over. Its {@link #term()} is the ended term; its fencing token is no longer valid.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public class LeadershipRevokedEvent extends LeadershipEvent {
  private static final long serialVersionUID = 1L;

  /**
   * @param source the leadership
   * @param term the term that ended
   */
  public LeadershipRevokedEvent(Leadership source, LeaderContext term) {
    super(source, term);
  }
}
