package dev.baton.leaderelection;

import org.apiguardian.api.API;

/**
 * Where the elector reports its metrics (client-go's {@code leaderMetricsAdapter}): whether it
 * leads, and how often a leader had to fall back to the slow path (read, then update) because its
 * optimistic update failed. {@code dev.baton.leaderelection.micrometer.MicrometerLeaderMetrics}
 * adapts it to Micrometer when Micrometer is on the class path.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface LeaderMetrics {

  /** Metrics that go nowhere. */
  LeaderMetrics NONE = new LeaderMetrics() {
    @Override
    public void leaderOn(String name) {
    }

    @Override
    public void leaderOff(String name) {
    }

    @Override
    public void slowPathExercised(String name) {
    }
  };

  /**
   * The elector became leader.
   *
   * @param name the election's name ({@link LeaderElectionConfig#name()})
   */
  void leaderOn(String name);

  /**
   * The elector stopped leading.
   *
   * @param name the election's name
   */
  void leaderOff(String name);

  /**
   * A leader renewed through the slow path.
   *
   * @param name the election's name
   */
  void slowPathExercised(String name);
}
