package dev.baton.leaderelection.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MicrometerLeaderMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MicrometerLeaderMetrics metrics = new MicrometerLeaderMetrics(registry);

  private double status(String name) {
    return registry.get(MicrometerLeaderMetrics.STATUS_GAUGE).tag("name", name).gauge().value();
  }

  @Test
  @DisplayName("The status gauge is 1 while leading and 0 after, per election name, under client-go's metric name")
  void statusGauge() {
    metrics.leaderOn("jobs");
    assertEquals(1.0, status("jobs"));
    metrics.leaderOn("reports");
    metrics.leaderOff("jobs");
    assertEquals(0.0, status("jobs"));
    assertEquals(1.0, status("reports"));
  }

  @Test
  @DisplayName("The slow-path counter counts each slow-path renewal per election name")
  void slowPathCounter() {
    assertNull(registry.find(MicrometerLeaderMetrics.SLOW_PATH_COUNTER).counter());
    metrics.slowPathExercised("jobs");
    metrics.slowPathExercised("jobs");
    metrics.slowPathExercised("reports");
    assertEquals(2.0, registry.get(MicrometerLeaderMetrics.SLOW_PATH_COUNTER).tag("name", "jobs").counter().count());
    assertEquals(1.0, registry.get(MicrometerLeaderMetrics.SLOW_PATH_COUNTER).tag("name", "reports").counter().count());
  }

  @Test
  @DisplayName("A missing registry is refused at construction")
  void nullRegistry() {
    assertThrows(NullPointerException.class, () -> new MicrometerLeaderMetrics(null));
  }
}
