package dev.baton.lock.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import dev.baton.testkit.Candidates;
import dev.baton.testkit.ElectorTimings;
import dev.baton.testkit.LeadershipHistory;
import dev.baton.testkit.TimeDriver;
import dev.baton.testkit.fixture.Await;
import dev.baton.testkit.fixture.ProxyMode;
import dev.baton.testkit.fixture.TcpProxy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real failures on PostgreSQL and MariaDB (and H2 where it applies): a connection killed by the
 * server, a connection that goes dark, a missing table, wrong credentials.
 */
class JdbcFailureTest {
  private static final ElectorTimings TIMINGS = ElectorTimings.REAL_TIME;
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  /** Scheduling slack on 2 busy cores on top of the call timeout. */
  private static final Duration SLACK = Duration.ofMillis(500);
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  private static final String SECRET = "s3cr3t-Pa55";


  private final TimeDriver time = TimeDriver.realTime();
  private final Candidates candidates = new Candidates(time, TIMINGS);

  @RegisterExtension
  static final TestTables TABLES = new TestTables(false);

  private static JdbcDatabase db(String kind) {
    return TABLES.db(kind);
  }

  private static String table(String kind) throws SQLException {
    return TABLES.table(kind);
  }


  @AfterEach
  void stopCandidates() throws Exception {
    candidates.close();
  }

  private static String unique() {
    return "f-" + UUID.randomUUID();
  }

  private static ResourceLockOptions.Builder options(JdbcDatabase db, String table) {
    return db.settings(table).renewDeadline(TIMEOUT.multipliedBy(2));
  }

  // ---- a connection killed by the server --------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"postgres", "mariadb"})
  @DisplayName("The server kills the lock's connection: the next call is a TransientLockException, the one after it works")
  void connectionKilled(String kind) throws Exception {
    JdbcDatabase db = db(kind);
    OneConnectionDataSource ds = new OneConnectionDataSource(db, true);
    JdbcLock lock = new JdbcLock(ds, table(kind), "ns", unique(), ResourceLockConfig.of("me"), TIMEOUT);
    LeaderElectionRecord record = LeaderElectionRecord.of("me", 15, T, T, 0);
    lock.create(record);
    long session = sessionId(db, ds.physical());
    kill(db, List.of(session));

    TransientLockException e = assertThrows(TransientLockException.class, lock::get);
    assertTrue(e.getMessage().contains("failed the get"), e.getMessage());
    assertEquals(record, lock.get().record(), "the call after the transient failure must work on a new connection");
    assertEquals(2, ds.connectionsOpened, "the killed connection must be dropped, and only it");
    lock.update(record.withLeaderTransitions(1));
    assertEquals(1, lock.get().record().leaderTransitions());
    ds.closePhysical();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"postgres", "mariadb"})
  @DisplayName("The server kills every connection of the provider's pool: calls fail only transiently and work again within three calls")
  void poolKilled(String kind) throws Exception {
    JdbcDatabase db = db(kind);
    String table = table(kind);
    String user = "baton_kill_" + UUID.randomUUID().toString().substring(0, 8);
    createUser(db, user, SECRET, table);
    try (JdbcLock lock = (JdbcLock) ResourceLocks.newLock("jdbc", "ns", unique(), ResourceLockConfig.of("me"),
        options(db, table).setting(JdbcLockSettings.USER, user).setting(JdbcLockSettings.PASSWORD, SECRET).build())) {
      lock.create(LeaderElectionRecord.of("me", 15, T, T, 0));
      lock.get();
      List<Long> sessions = sessionsOf(db, user);
      assertFalse(sessions.isEmpty(), "the pool has no session on the server");
      kill(db, sessions);
      List<Exception> failures = new ArrayList<>();
      for (int attempt = 0; attempt < 3; attempt++) {
        try {
          assertEquals("me", lock.get().record().holderIdentity());
          failures.forEach(f -> assertInstanceOf(TransientLockException.class, f, "a failure after a kill: " + f));
          return;
        } catch (LockException f) {
          failures.add(f);
        }
      }
      fail("the lock did not work again within three calls: " + failures);
    } finally {
      dropUser(db, user);
    }
  }

  // ---- a connection that goes dark --------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"postgres", "mariadb"})
  @DisplayName("A blackholed connection: every call ends within the client timeout with a TransientLockException; the lock works again once the network heals")
  void blackhole(String kind) throws Exception {
    JdbcDatabase db = db(kind);
    String table = table(kind);
    URI server = db.address();
    try (TcpProxy proxy = TcpProxy.to(server.getHost(), server.getPort());
        JdbcLock lock = (JdbcLock) ResourceLocks.newLock("jdbc", "ns", unique(), ResourceLockConfig.of("me"),
            options(db, table).setting(JdbcLockSettings.URL, db.urlVia(proxy.port())).build())) {
      LeaderElectionRecord record = LeaderElectionRecord.of("me", 15, T, T, 0);
      lock.create(record);
      lock.get();
      proxy.setMode(ProxyMode.BLACKHOLE);
      List<String> calls = List.of("get", "update", "create");
      for (String call : calls) {
        long start = System.nanoTime();
        TransientLockException e = assertThrows(TransientLockException.class, () -> {
          switch (call) {
            case "get" -> lock.get();
            case "update" -> lock.update(record.withLeaderTransitions(1));
            default -> lock.create(record);
          }
        }, call);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(TIMEOUT.plus(SLACK)) <= 0, call + " took " + took + " with a " + TIMEOUT
            + " client timeout: " + e.getMessage());
      }
      proxy.setMode(ProxyMode.PASS);
      Await.until(() -> {
        try {
          return lock.get().record().equals(record);
        } catch (LockException e) {
          return false;
        }
      }, Duration.ofSeconds(10), "the lock to work again after the network healed");
      lock.update(record.withLeaderTransitions(1));
      proxy.setMode(ProxyMode.BLACKHOLE);
      long start = System.nanoTime();
      lock.close();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(took.compareTo(TIMEOUT.multipliedBy(2).plus(SLACK)) <= 0, "close() over a dark network took " + took);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"postgres", "mariadb"})
  @DisplayName("The leader's connection goes dark: it steps down within renewDeadline, and the other candidate leads only after that")
  void leaderBlackholed(String kind) throws Exception {
    JdbcDatabase db = db(kind);
    String table = table(kind);
    URI server = db.address();
    TcpProxy proxy = TcpProxy.to(server.getHost(), server.getPort());
    candidates.closeLater(proxy);
    String name = unique();
    ResourceLockOptions viaProxy = options(db, table).setting(JdbcLockSettings.URL, db.urlVia(proxy.port()))
        .renewDeadline(TIMINGS.renewDeadline()).build();
    ResourceLock proxied = ResourceLocks.newLock("jdbc", "ns", name, ResourceLockConfig.of("proxied"), viaProxy);
    candidates.closeLater((AutoCloseable) proxied);
    candidates.start("proxied", proxied);
    assertEquals("proxied", candidates.awaitLeader(TIMINGS.failoverBound()));
    candidates.start("direct", new JdbcLock(db.dataSource(), table, "ns", name, ResourceLockConfig.of("direct"),
        TIMEOUT));
    time.pass(TIMINGS.leaseDuration());
    LeadershipHistory history = candidates.history();
    long dark = time.nanoTime();
    proxy.setMode(ProxyMode.BLACKHOLE);
    assertTrue(time.awaitUntil(() -> history.openTerms() == 0, TIMINGS.renewDeadline().plus(TIMINGS.margin()))
        .isPresent(), "the cut-off leader still leads: " + history);
    assertEquals("direct", candidates.awaitLeader(TIMINGS.failoverBound()));
    assertTrue(history.lastTerm().orElseThrow().startNanos() - dark <= TIMINGS.failoverBound().toNanos());
    history.assertNoOverlap();
    history.assertFencingTokensIncrease();
  }

  // ---- configuration mistakes -------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"postgres", "mariadb", "h2"})
  @DisplayName("A missing table is a LockException that says how to create it; with jdbc.createTable=true the lock creates it")
  void tableMissing(String kind) throws Exception {
    JdbcDatabase db = db(kind);
    String missing = JdbcDatabase.uniqueTable();
    try {
      JdbcLock lock = new JdbcLock(db.dataSource(), missing, "ns", "n", ResourceLockConfig.of("me"), TIMEOUT);
      LockException e = assertThrows(LockException.class, lock::get);
      assertFalse(e instanceof TransientLockException, "a missing table is not transient: " + e);
      assertTrue(e.getMessage().contains("table " + missing + " does not exist"), e.getMessage());
      assertTrue(e.getMessage().contains("lock-jdbc/README.md") && e.getMessage().contains("jdbc.createTable=true"),
          e.getMessage());
      assertThrows(LockException.class, () -> lock.create(LeaderElectionRecord.of("me", 15, T, T, 0)));

      try (JdbcLock creating = (JdbcLock) ResourceLocks.newLock("jdbc", "ns", "n", ResourceLockConfig.of("me"),
          options(db, missing).setting(JdbcLockSettings.CREATE_TABLE, "true").build())) {
        assertThrows(RecordNotFoundException.class, creating::get);
        creating.create(LeaderElectionRecord.of("me", 15, T, T, 0));
        assertEquals(Optional.of(1L), db.storedVersion(missing, "ns", "n"));
      }
      assertEquals("me", lock.get().record().holderIdentity(), "the first lock works once the table exists");
    } finally {
      db.dropTable(missing);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"postgres", "mariadb"})
  @DisplayName("Wrong credentials are a LockException that says so, in time, and the password appears nowhere")
  void wrongCredentials(String kind) throws Exception {
    JdbcDatabase db = db(kind);
    // PostgreSQL trusts every password on 127.0.0.1 here, so an unknown user is what it refuses.
    String user = kind.equals("postgres") ? "baton_nobody" : db.user.orElse("root");
    ResourceLockOptions opts = options(db, table(kind)).setting(JdbcLockSettings.USER, user)
        .setting(JdbcLockSettings.PASSWORD, SECRET).build();
    try (JdbcLock lock = (JdbcLock) ResourceLocks.newLock("jdbc", "ns", "n", ResourceLockConfig.of("me"), opts)) {
      long start = System.nanoTime();
      LockException e = assertThrows(LockException.class, lock::get);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(took.compareTo(TIMEOUT.plus(SLACK)) <= 0, "the refusal took " + took);
      assertFalse(e instanceof TransientLockException, "wrong credentials are not transient: " + e);
      assertTrue(e.getMessage().contains("refused the login of user '" + user + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("check jdbc.user and jdbc.password"), e.getMessage());
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      for (String text : List.of(trace.toString(), lock.describe(), lock.toString(), opts.toString(),
          JdbcLockSettings.from(opts, false).toString())) {
        assertFalse(text.contains(SECRET), "password printed in: " + text);
      }
    }
  }

  // ---- server sessions --------------------------------------------------------------------------

  private static long sessionId(JdbcDatabase db, Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        db.dialect == JdbcDialect.POSTGRESQL ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<Long> sessionsOf(JdbcDatabase db, String user) throws SQLException {
    String sql = db.dialect == JdbcDialect.POSTGRESQL
        ? "SELECT pid FROM pg_stat_activity WHERE usename = ?"
        : "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?";
    List<Long> ids = new ArrayList<>();
    try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, user);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
    }
    return ids;
  }

  /** Kills server sessions and waits until the server no longer lists them. */
  private static void kill(JdbcDatabase db, List<Long> sessions) throws SQLException {
    boolean pg = db.dialect == JdbcDialect.POSTGRESQL;
    try (Connection c = db.connect()) {
      for (long id : sessions) {
        try (Statement s = c.createStatement()) {
          s.execute(pg ? "SELECT pg_terminate_backend(" + id + ")" : "KILL " + id);
        }
      }
      String listed = pg ? "SELECT count(*) FROM pg_stat_activity WHERE pid = ?"
          : "SELECT count(*) FROM information_schema.PROCESSLIST WHERE ID = ?";
      Await.until(() -> sessions.stream().allMatch(id -> {
        try (PreparedStatement s = c.prepareStatement(listed)) {
          s.setLong(1, id);
          try (ResultSet rs = s.executeQuery()) {
            return rs.next() && rs.getLong(1) == 0;
          }
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      }), Duration.ofSeconds(10), "the killed sessions " + sessions + " to end");
    }
  }

  private static void createUser(JdbcDatabase db, String user, String password, String table) throws SQLException {
    if (db.dialect == JdbcDialect.POSTGRESQL) {
      db.execute("CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "'");
      db.execute("GRANT SELECT, INSERT, UPDATE ON " + table + " TO " + user);
    } else {
      db.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'");
      db.execute("GRANT SELECT, INSERT, UPDATE ON " + table + " TO '" + user + "'@'%'");
    }
  }

  private static void dropUser(JdbcDatabase db, String user) throws SQLException {
    kill(db, sessionsOf(db, user));
    if (db.dialect == JdbcDialect.POSTGRESQL) {
      db.execute("DROP OWNED BY " + user);
      db.execute("DROP ROLE " + user);
    } else {
      db.execute("DROP USER '" + user + "'@'%'");
    }
  }
}
