package dev.baton.lock.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.baton.leaderelection.resourcelock.CorruptRecordException;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import dev.baton.leaderelection.resourcelock.UpdateConflictException;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import dev.baton.testkit.fixture.Await;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JDBC lock's own behaviour: the row, settings, names, corrupt rows, autocommit, pools, dialects, the watch. */
class JdbcLockTest {
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  @RegisterExtension
  static final TestTables TABLES = new TestTables(false);

  private static JdbcDatabase db(String kind) {
    return TABLES.db(kind);
  }

  private static String table(String kind) throws SQLException {
    return TABLES.table(kind);
  }


  private static String unique() {
    return "t-" + UUID.randomUUID();
  }

  private static JdbcLock lock(String kind, String name, String identity) throws SQLException {
    return new JdbcLock(db(kind).dataSource(), table(kind), "ns", name, ResourceLockConfig.of(identity), TIMEOUT);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"postgres", "mariadb", "h2"})
  @DisplayName("The row holds the record's client-go JSON bytes unchanged, and a version that each write increments and revision() reports")
  void rowBytesAndVersion(String kind) throws Exception {
    String name = unique();
    JdbcLock a = lock(kind, name, "a");
    LeaderElectionRecord record = LeaderElectionRecord.of("a", 15, T, T, 2);
    a.create(record);
    byte[] stored = db(kind).stored(table(kind), "ns", name).orElseThrow();
    assertEquals("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":15,\"acquireTime\":\"2030-01-01T00:00:00Z\","
        + "\"renewTime\":\"2030-01-01T00:00:00Z\",\"leaderTransitions\":2,\"strategy\":\"\",\"preferredHolder\":\"\"}",
        new String(stored, StandardCharsets.UTF_8));
    assertArrayEquals(stored, a.get().raw());
    assertEquals(Optional.of(1L), db(kind).storedVersion(table(kind), "ns", name));
    assertEquals(OptionalLong.of(1), a.revision());
    a.update(record.withLeaderTransitions(3));
    a.update(record.withLeaderTransitions(4));
    assertEquals(Optional.of(3L), db(kind).storedVersion(table(kind), "ns", name));
    assertEquals(OptionalLong.of(3), a.revision());
    JdbcLock b = lock(kind, name, "b");
    b.get();
    assertEquals(OptionalLong.of(3), b.revision());
    assertTrue(a.describe().contains("ns/" + name) && a.describe().contains("jdbc table " + table(kind)), a.describe());
    assertEquals(Optional.of(db(kind).dialect), a.dialect());
  }

  @Test
  @DisplayName("Namespace and name \"App\" and \"app\" are two locks, on MariaDB too (binary collation)")
  void namesAreCaseSensitive() throws Exception {
    String name = unique();
    lock("mariadb", name.toUpperCase(), "a").create(LeaderElectionRecord.of("a", 15, T, T, 0));
    lock("mariadb", name, "b").create(LeaderElectionRecord.of("b", 15, T, T, 0));
    assertEquals("a", lock("mariadb", name.toUpperCase(), "c").get().record().holderIdentity());
  }

  @Test
  @DisplayName("Bad settings are reported together, naming each setting, its value and the rule; a password in the URL is not echoed")
  void badSettings() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResourceLocks.newLock("jdbc", "ns",
        "n", ResourceLockConfig.of("me"), ResourceLockOptions.builder()
            .setting(JdbcLockSettings.URL, "postgresql://db/app")
            .setting(JdbcLockSettings.TABLE, "1table")
            .setting(JdbcLockSettings.CREATE_TABLE, "yes")
            .build()));
    String m = e.getMessage();
    assertTrue(m.startsWith("Invalid JDBC lock settings: "), m);
    for (String expected : List.of("jdbc.url 'postgresql://db/app' must start with jdbc:",
        "jdbc.table '1table' must be a plain SQL name", "jdbc.createTable 'yes' must be true or false")) {
      assertTrue(m.contains(expected), "missing '" + expected + "' in: " + m);
    }
    IllegalArgumentException typo = assertThrows(IllegalArgumentException.class, () -> ResourceLocks.newLock("jdbc", "ns",
        "n", ResourceLockConfig.of("me"), ResourceLockOptions.builder().setting("jdbc.tabel", "x").build()));
    assertTrue(typo.getMessage().contains("'jdbc.tabel' (did you mean 'jdbc.table'?)"), typo.getMessage());
    for (String url : List.of("jdbc:postgresql://db/app?user=x&password=s3cr3t", "jdbc:mysql://x:s3cr3t@db/app",
        "jdbc:h2:mem:x;PASSWORD=s3cr3t")) {
      IllegalArgumentException withPassword = assertThrows(IllegalArgumentException.class, () -> ResourceLocks.newLock(
          "jdbc", "ns", "n", ResourceLockConfig.of("me"),
          ResourceLockOptions.builder().setting(JdbcLockSettings.URL, url).build()));
      assertTrue(withPassword.getMessage().contains("must not carry a password: give it as jdbc.password"),
          withPassword.getMessage());
      assertFalse(withPassword.getMessage().contains("s3cr3t"), withPassword.getMessage());
    }
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> ResourceLocks.newLock("jdbc", "ns", "n", ResourceLockConfig.of("me"), ResourceLockOptions.defaults()));
    assertTrue(missing.getMessage().contains("jdbc.url is missing"), missing.getMessage());
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> ResourceLocks.newLock("jdbc",
        "ns", "n", ResourceLockConfig.of("me"), ResourceLockOptions.builder()
            .client(DataSource.class, db("h2").dataSource()).setting(JdbcLockSettings.URL, "jdbc:h2:mem:x").build()));
    assertTrue(both.getMessage().contains("jdbc.url must not be given together with a ready-made javax.sql.DataSource"),
        both.getMessage());
    IllegalArgumentException unknownDriver = assertThrows(IllegalArgumentException.class, () -> ResourceLocks.newLock(
        "jdbc", "ns", "n", ResourceLockConfig.of("me"),
        ResourceLockOptions.builder().setting(JdbcLockSettings.URL, "jdbc:oracle:thin:@db:1521/x").build()));
    assertTrue(unknownDriver.getMessage().contains("names a database the JDBC lock does not know"),
        unknownDriver.getMessage());
  }

  @Test
  @DisplayName("Names with blanks at either end, control characters or more than 253 characters are refused before anything connects")
  void badNames() {
    for (String name : List.of(" app", "app ", "a\nb", "x".repeat(254), "")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResourceLocks.newLock("jdbc",
          "ns", name, ResourceLockConfig.of("me"), db("h2").settings("t").build()), name);
      assertTrue(e.getMessage().contains("must be 1 to 253 characters") || e.getMessage().contains("must not be empty"),
          e.getMessage());
    }
  }

  @Test
  @DisplayName("A row whose bytes are not a record is never overwritten: after reading it, update() conflicts until a valid record is read")
  void corruptRowDisarmsUpdate() throws Exception {
    String name = unique();
    JdbcLock a = lock("h2", name, "a");
    a.create(LeaderElectionRecord.of("a", 15, T, T, 0));
    byte[] garbage = "leader=a".getBytes(StandardCharsets.UTF_8);
    // Written by hand without bumping the version: the cached version would still match.
    try (Connection c = db("h2").connect(); PreparedStatement s = c.prepareStatement("UPDATE " + table("h2")
        + " SET record = ? WHERE namespace = 'ns' AND name = ?")) {
      s.setBytes(1, garbage);
      s.setString(2, name);
      assertEquals(1, s.executeUpdate());
    }
    CorruptRecordException corrupt = assertThrows(CorruptRecordException.class, a::get);
    assertTrue(corrupt.getMessage().contains("jdbc table " + table("h2")) && corrupt.getMessage().contains("ns/" + name),
        corrupt.getMessage());
    UpdateConflictException e = assertThrows(UpdateConflictException.class,
        () -> a.update(LeaderElectionRecord.of("a", 15, T, T, 1)));
    assertTrue(e.getMessage().contains("never overwrites"), e.getMessage());
    assertArrayEquals(garbage, db("h2").stored(table("h2"), "ns", name).orElseThrow());
    JdbcLock fresh = lock("h2", name, "b");
    assertThrows(CorruptRecordException.class, fresh::get);
    assertThrows(UpdateConflictException.class, () -> fresh.update(LeaderElectionRecord.of("b", 15, T, T, 1)),
        "a corrupt read must not arm update()");
    assertArrayEquals(garbage, db("h2").stored(table("h2"), "ns", name).orElseThrow());

    db("h2").plant(table("h2"), "ns", name, LeaderElectionRecordCodec.encode(LeaderElectionRecord.of("x", 15, T, T, 5)));
    assertEquals("x", a.get().record().holderIdentity());
    a.update(LeaderElectionRecord.of("a", 15, T, T, 6));
    assertEquals(6, fresh.get().record().leaderTransitions());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"postgres", "mariadb"})
  @DisplayName("With autocommit off, each call commits its statement and leaves no transaction open; the connection stays as it was")
  void autocommitOff(String kind) throws Exception {
    JdbcDatabase db = db(kind);
    OneConnectionDataSource ds = new OneConnectionDataSource(db, false);
    String name = unique();
    JdbcLock lock = new JdbcLock(ds, table(kind), "ns", name, ResourceLockConfig.of("me"), TIMEOUT);
    long session;
    try (var s = ds.physical().createStatement(); ResultSet rs = s.executeQuery(db.dialect == JdbcDialect.POSTGRESQL
        ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()")) {
      rs.next();
      session = rs.getLong(1);
      ds.physical().commit();
    }
    lock.create(LeaderElectionRecord.of("me", 15, T, T, 0));
    assertNoOpenTransaction(db, session);
    assertEquals(Optional.of(1L), db.storedVersion(table(kind), "ns", name), "create was not committed");
    lock.get();
    assertNoOpenTransaction(db, session);
    lock.update(LeaderElectionRecord.of("me", 15, T, T, 1));
    assertNoOpenTransaction(db, session);
    assertEquals(Optional.of(2L), db.storedVersion(table(kind), "ns", name), "update was not committed");
    assertThrows(dev.baton.leaderelection.resourcelock.RecordAlreadyExistsException.class,
        () -> lock.create(LeaderElectionRecord.of("me", 15, T, T, 0)));
    assertNoOpenTransaction(db, session);
    lock.update(LeaderElectionRecord.of("me", 15, T, T, 2));
    assertFalse(ds.physical().getAutoCommit(), "the lock changed the connection's autocommit");
    assertEquals(1, ds.connectionsOpened);
    ds.closePhysical();
  }

  private static void assertNoOpenTransaction(JdbcDatabase db, long session) throws SQLException {
    String sql = db.dialect == JdbcDialect.POSTGRESQL
        ? "SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND state LIKE 'idle in transaction%'"
        : "SELECT count(*) FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?";
    try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, session);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        assertEquals(0, rs.getLong(1), "session " + session + " has a transaction open");
      }
    }
  }

  @Test
  @DisplayName("A lock on a given DataSource never closes it; a lock on the pool the provider built closes the pool")
  void poolOwnership() throws Exception {
    HikariDataSource given = db("h2").dataSource();
    try (JdbcLock onGiven = (JdbcLock) ResourceLocks.newLock("jdbc", "ns", unique(), ResourceLockConfig.of("me"),
        ResourceLockOptions.builder().client(DataSource.class, given).setting(JdbcLockSettings.TABLE, table("h2")).build())) {
      onGiven.create(LeaderElectionRecord.of("me", 15, T, T, 0));
    }
    assertFalse(given.isClosed(), "the lock closed the DataSource it was given");
    JdbcLock built = (JdbcLock) ResourceLocks.newLock("jdbc", "ns", unique(), ResourceLockConfig.of("me"),
        db("h2").settings(table("h2")).build());
    built.create(LeaderElectionRecord.of("me", 15, T, T, 0));
    HikariDataSource pool = assertInstanceOf(HikariDataSource.class, built.dataSource);
    assertTrue(pool.getMaximumPoolSize() <= 4, "the provider's pool is small: " + pool.getMaximumPoolSize());
    built.close();
    assertTrue(pool.isClosed(), "the lock did not close the pool it built");
  }

  @Test
  @DisplayName("The dialect comes from the database: a given DataSource on PostgreSQL gives a watchable lock (unless jdbc.watch=false), on MariaDB and H2 a polling one")
  void dialectFromMetadata() throws Exception {
    Map<String, JdbcDialect> expected = Map.of("postgres", JdbcDialect.POSTGRESQL, "mariadb", JdbcDialect.MYSQL,
        "h2", JdbcDialect.H2);
    for (Map.Entry<String, JdbcDialect> e : expected.entrySet()) {
      ResourceLockOptions.Builder options = ResourceLockOptions.builder()
          .client(DataSource.class, db(e.getKey()).dataSource()).setting(JdbcLockSettings.TABLE, table(e.getKey()));
      ResourceLock lock = ResourceLocks.newLock("jdbc", "ns", unique(), ResourceLockConfig.of("me"), options.build());
      assertEquals(Optional.of(e.getValue()), ((JdbcLock) lock).dialect(), e.getKey());
      assertEquals(e.getValue() == JdbcDialect.POSTGRESQL, lock instanceof WatchableResourceLock, e.getKey());
      ResourceLock polling = ResourceLocks.newLock("jdbc", "ns", unique(), ResourceLockConfig.of("me"),
          options.setting(JdbcLockSettings.WATCH, "false").build());
      assertFalse(polling instanceof WatchableResourceLock, e.getKey());
    }
  }

  @Test
  @DisplayName("The PostgreSQL watch delivers another instance's writes in order and nothing of other rows, and never moves the watching lock's version")
  void watchDeliversAndNeverMovesTheVersion() throws Exception {
    String name = unique();
    WatchableJdbcLock a = new WatchableJdbcLock(db("postgres").dataSource(), table("postgres"), "ns", name,
        ResourceLockConfig.of("a"), TIMEOUT);
    JdbcLock b = lock("postgres", name, "b");
    JdbcLock other = lock("postgres", name + "-other", "o");
    List<String> seen = new CopyOnWriteArrayList<>();
    a.create(LeaderElectionRecord.of("a", 15, T, T, 0));
    try (WatchableResourceLock.RecordWatch w = a.watch(r -> seen.add(r.record().holderIdentity() + "/"
        + r.record().leaderTransitions()))) {
      b.get();
      b.update(LeaderElectionRecord.of("b", 15, T, T, 1));
      other.create(LeaderElectionRecord.of("o", 15, T, T, 0));
      b.update(LeaderElectionRecord.of("b", 15, T, T, 2));
      Await.until(() -> seen.size() >= 2, Duration.ofSeconds(10), "two writes, got " + seen);
      assertEquals(List.of("b/1", "b/2"), seen);
      assertEquals(OptionalLong.of(1), a.revision(), "a notification moved the lock's cached version");
      assertThrows(UpdateConflictException.class, () -> a.update(LeaderElectionRecord.of("a", 15, T, T, 9)));
      a.get();
      a.update(LeaderElectionRecord.of("a", 15, T, T, 3));
      Await.until(() -> seen.size() >= 3, Duration.ofSeconds(10), "the watching lock's own write, got " + seen);
      assertEquals("a/3", seen.get(2));
    }
  }

  @Test
  @DisplayName("The PostgreSQL watch survives a killed listening connection: a write made meanwhile is delivered, and later ones too")
  void watchResyncsAfterAKill() throws Exception {
    String name = unique();
    // A long timeout keeps the listening connection's last statement the LISTEN (no probe in between).
    WatchableJdbcLock a = new WatchableJdbcLock(db("postgres").dataSource(), table("postgres"), "ns", name,
        ResourceLockConfig.of("a"), Duration.ofSeconds(30));
    JdbcLock b = lock("postgres", name, "b");
    b.create(LeaderElectionRecord.of("b", 15, T, T, 0));
    List<Integer> seen = new CopyOnWriteArrayList<>();
    try (WatchableResourceLock.RecordWatch w = a.watch(r -> seen.add(r.record().leaderTransitions()))) {
      String channel = PgNotifications.channel(table("postgres"));
      try (Connection c = db("postgres").connect(); PreparedStatement s = c.prepareStatement(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = ? AND pid <> pg_backend_pid()")) {
        s.setString(1, "LISTEN \"" + channel + "\"");
        try (ResultSet rs = s.executeQuery()) {
          assertTrue(rs.next(), "no listening connection found");
        }
      }
      b.update(LeaderElectionRecord.of("b", 15, T, T, 1));
      Await.until(() -> seen.contains(1), Duration.ofSeconds(10), "the write made while the listener was cut off");
      b.update(LeaderElectionRecord.of("b", 15, T, T, 2));
      Await.until(() -> seen.contains(2), Duration.ofSeconds(10), "a write after the listener came back");
      assertEquals(List.of(1, 2), seen, "each write once, in order");
    }
  }
}
