package dev.baton.leaderelection.micrometer;

import dev.baton.leaderelection.LeaderMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apiguardian.api.API;

/**
 * {@link LeaderMetrics} on Micrometer, with client-go's metric names: a gauge
 * {@code leader_election_master_status} (1 while leading, 0 otherwise) and a counter
 * {@code leader_election_slowpath_total}, both tagged with {@code name} (the election's name).
 *
 * <p>Micrometer is an optional dependency of {@code baton-api}: add {@code io.micrometer:micrometer-core}
 * to use this class.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class MicrometerLeaderMetrics implements LeaderMetrics {

  /** Name of the leader status gauge. */
  public static final String STATUS_GAUGE = "leader_election_master_status";
  /** Name of the slow-path counter. */
  public static final String SLOW_PATH_COUNTER = "leader_election_slowpath_total";

  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> status = new ConcurrentHashMap<>();

  /**
   * @param registry where the meters are registered
   */
  public MicrometerLeaderMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  private AtomicInteger status(String name) {
    return status.computeIfAbsent(name, n -> {
      AtomicInteger value = new AtomicInteger();
      Gauge.builder(STATUS_GAUGE, value, AtomicInteger::get)
          .description("Whether this candidate leads the election (1) or not (0)")
          .tag("name", n)
          .register(registry);
      return value;
    });
  }

  @Override
  public void leaderOn(String name) {
    status(name).set(1);
  }

  @Override
  public void leaderOff(String name) {
    status(name).set(0);
  }

  @Override
  public void slowPathExercised(String name) {
    Counter.builder(SLOW_PATH_COUNTER)
        .description("How often a leader renewed through the slow path (read, then update)")
        .tag("name", name)
        .register(registry)
        .increment();
  }
}
