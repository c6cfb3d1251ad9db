package dev.baton.lock.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.LeaderCallbacks;
import dev.baton.leaderelection.LeaderContext;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.testkit.fixture.Await;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The README's examples run, on H2 in this JVM: each test has a database of its own with the
 * README's default table, as an application would.
 */
class ReadmeExamplesTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  private JdbcDatabase h2;

  @BeforeEach
  void database() throws Exception {
    h2 = JdbcDatabase.h2();
    try (Connection c = h2.connect(); Statement s = c.createStatement()) {
      s.execute(JdbcDialect.H2.createTable(JdbcLockSettings.DEFAULT_TABLE));
    }
  }

  @AfterEach
  void close() throws Exception {
    h2.close();
  }

  @Test
  @DisplayName("The lock on the application's DataSource and the lock built directly are the same row of the default table")
  void onDataSource() throws Exception {
    DataSource ds = h2.dataSource();
    List<ResourceLock> locks = ReadmeExamples.newLockOnDataSource(ds, "host-1");
    JdbcLock provided = assertInstanceOf(JdbcLock.class, locks.get(0));
    JdbcLock direct = assertInstanceOf(JdbcLock.class, locks.get(1));
    direct.create(LeaderElectionRecord.of("host-1", 15, T, T, 0));
    assertEquals("host-1", provided.get().record().holderIdentity());
    assertTrue(h2.stored(JdbcLockSettings.DEFAULT_TABLE, "payments", "scheduler").isPresent());
    assertEquals(Optional.of(Duration.ofSeconds(5)), direct.clientTimeout());
    provided.close();
    direct.close();
    try (Connection c = ds.getConnection()) {
      assertTrue(c.isValid(1), "the locks leave the application's DataSource open");
    }
  }

  @Test
  @DisplayName("The nightly export's elector leads on the application's DataSource and releases when its thread is interrupted")
  void nightlyExport() throws Exception {
    String identity = InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
    CompletableFuture<LeaderContext> led = new CompletableFuture<>();
    LeaderCallbacks exportCallbacks = LeaderCallbacks.onStartedLeading(led::complete);
    AtomicReference<Throwable> ended = new AtomicReference<>();
    Thread candidate = new Thread(() -> {
      try {
        ReadmeExamples.nightlyExport(h2.dataSource(), exportCallbacks);
      } catch (Throwable t) {
        ended.set(t);
      }
    }, "nightly-export");
    candidate.start();

    LeaderContext term = led.get(10, TimeUnit.SECONDS);
    assertEquals(identity, term.identity());
    JdbcLock reader = new JdbcLock(h2.dataSource(), JdbcLockSettings.DEFAULT_TABLE, "billing", "nightly-export",
        ResourceLockConfig.of("reader"), Duration.ofSeconds(5));
    assertEquals(identity, reader.get().record().holderIdentity());

    candidate.interrupt();
    candidate.join(10_000);
    assertInstanceOf(InterruptedException.class, ended.get(), "run() ends by the interrupt");
    Await.until(() -> holder(reader).isEmpty(), Duration.ofSeconds(10), "the lock released on cancel");
  }

  private static String holder(ResourceLock lock) {
    try {
      return lock.get().record().holderIdentity();
    } catch (LockException e) {
      throw new IllegalStateException(e);
    }
  }
}
