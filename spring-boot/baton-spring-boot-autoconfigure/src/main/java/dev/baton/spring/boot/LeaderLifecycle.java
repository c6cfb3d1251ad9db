package dev.baton.spring.boot;

import dev.baton.leaderelection.LeaderContext;
import java.util.Objects;
import org.apiguardian.api.API;
import org.springframework.context.Lifecycle;

/**
 * A bean that works only while this instance leads: {@link Leadership} starts every
 * {@code LeaderLifecycle} bean when a term begins (ordered by
 * {@link org.springframework.core.annotation.Order @Order} or {@link org.springframework.core.Ordered})
 * and stops them in reverse order when it ends, before the lock is released.
 *
 * <p>Both methods run on the elector's callback thread: start your work on your own threads and
 * return; in {@link #stopLeading()} make it stop and wait for it. Check
 * {@link LeaderContext#isLeading()} before each action, since a term can end at its validity
 * deadline before {@code stopLeading} is called.
 *
 * <p>This is not a Spring {@link Lifecycle}: the context does not start it. To run an existing
 * lifecycle (a message listener container, an integration endpoint) only while leading, turn its
 * auto-startup off and adapt it with {@link #of(Lifecycle)}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public interface LeaderLifecycle {

  /**
   * A term began: start the leader-only work.
   *
   * @param term the term, with its fencing token
   */
  void startLeading(LeaderContext term);

  /** The term ended: stop the work and return once it has stopped. */
  void stopLeading();

  /**
   * Runs a Spring {@link Lifecycle} only while leading: {@link Lifecycle#start()} on each grant,
   * {@link Lifecycle#stop()} on each revoke. Turn the lifecycle's own auto-startup off.
   *
   * @param lifecycle the lifecycle, not itself a bean that the context starts
   * @return the adapter, to declare as a bean
   */
  static LeaderLifecycle of(Lifecycle lifecycle) {
    Objects.requireNonNull(lifecycle, "lifecycle");
    return new LeaderLifecycle() {
      @Override
      public void startLeading(LeaderContext term) {
        lifecycle.start();
      }

      @Override
      public void stopLeading() {
        if (lifecycle.isRunning()) {
          lifecycle.stop();
        }
      }

      @Override
      public String toString() {
        return "LeaderLifecycle.of(" + lifecycle + ")";
      }
    };
  }
}
