package dev.baton.spring.boot.actuate;

import dev.baton.leaderelection.LeaderMetrics;
import dev.baton.leaderelection.micrometer.MicrometerLeaderMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * The elector's metrics on the application's {@link MeterRegistry}, through Baton's
 * {@link MicrometerLeaderMetrics} (client-go's names): the gauge
 * {@value MicrometerLeaderMetrics#STATUS_GAUGE} (1 while leading, 0 otherwise, registered at 0 as
 * soon as the registry is bound) and the counter {@value MicrometerLeaderMetrics#SLOW_PATH_COUNTER},
 * tagged {@code name=<namespace>/<name>}. Spring Boot binds this {@link MeterBinder} to its registry.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public class LeaderElectionMetrics implements LeaderMetrics, MeterBinder {

  private final Supplier<String> electionName;
  private final List<MicrometerLeaderMetrics> bound = new CopyOnWriteArrayList<>();
  private volatile boolean leading;

  /**
   * @param electionName the election's name ({@code LeaderElectionConfig.name()}), asked when a registry is
   *     bound, for the gauge registered before the elector reports anything; {@code null} for none
   */
  public LeaderElectionMetrics(Supplier<String> electionName) {
    this.electionName = Objects.requireNonNull(electionName, "electionName");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    MicrometerLeaderMetrics metrics = new MicrometerLeaderMetrics(registry);
    String name = electionName.get();
    if (name != null) {
      if (leading) {
        metrics.leaderOn(name);
      } else {
        metrics.leaderOff(name);
      }
    }
    bound.add(metrics);
  }

  @Override
  public void leaderOn(String name) {
    leading = true;
    bound.forEach(m -> m.leaderOn(name));
  }

  @Override
  public void leaderOff(String name) {
    leading = false;
    bound.forEach(m -> m.leaderOff(name));
  }

  @Override
  public void slowPathExercised(String name) {
    bound.forEach(m -> m.slowPathExercised(name));
  }
}
