package dev.baton.spring.boot.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.spring.boot.autoconfigure.BatonConfigurationException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A real application started with bad {@code baton.*} properties fails with the analyzer's report. */
@ExtendWith(OutputCaptureExtension.class)
class MisconfigurationTest {

  @Test
  @DisplayName("A missing lock name stops the start-up with a report saying what to set")
  void missingName(CapturedOutput output) {
    assertThatThrownBy(() -> ElectionApp.start(new Recorder(), Map.of("baton.lock.type", "inmemory",
        "baton.settings.inmemory.store", "misconfigured-" + UUID.randomUUID()), context -> { }))
        .hasRootCauseInstanceOf(BatonConfigurationException.class);
    assertThat(output).contains("APPLICATION FAILED TO START")
        .contains("Baton leader election is on, but baton.lock.name is not set.")
        .contains("Set it, for example in application.properties:")
        .contains("baton.lock.name=my-app");
  }

  @Test
  @DisplayName("An unknown lock type stops the start-up with the lock types found")
  void unknownType(CapturedOutput output) {
    assertThatThrownBy(() -> ElectionApp.start(new Recorder(), Map.of("baton.lock.type", "leaze",
        "baton.lock.name", "app"), context -> { }))
        .hasRootCauseInstanceOf(dev.baton.leaderelection.resourcelock.LockTypeResolutionException.class);
    assertThat(output).contains("APPLICATION FAILED TO START")
        .contains("baton.lock.type=leaze cannot be used. Unknown lock type \"leaze\". Lock types found: configmaps, etcd, inmemory, jdbc, leases, zookeeper.")
        .contains("Set baton.lock.type to a lock type on the class path (configmaps, etcd, inmemory, jdbc, leases, "
            + "zookeeper)");
  }
}
