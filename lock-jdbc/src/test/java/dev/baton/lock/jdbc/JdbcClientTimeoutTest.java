package dev.baton.lock.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The client timeout the JDBC lock reports, which the elector compares with its renewDeadline. */
class JdbcClientTimeoutTest {

  @Test
  @DisplayName("A lock built by ResourceLocks.newLock reports the options' client timeout; one built directly, the timeout given")
  void clientTimeout() throws Exception {
    JdbcDatabase h2 = JdbcDatabase.h2();
    try (JdbcLock built = (JdbcLock) ResourceLocks.newLock("jdbc", "ns", "app", ResourceLockConfig.of("me"),
        h2.settings("baton_timeout_test").setting(JdbcLockSettings.CREATE_TABLE, "true")
            .renewDeadline(Duration.ofSeconds(3)).build());
        JdbcLock direct = new JdbcLock(h2.dataSource(), "baton_timeout_test", "ns", "app", ResourceLockConfig.of("me"),
            Duration.ofMillis(700))) {
      assertEquals(Optional.of(Duration.ofMillis(1500)), built.clientTimeout());
      assertEquals(Optional.of(Duration.ofMillis(700)), direct.clientTimeout());
    }
  }
}
