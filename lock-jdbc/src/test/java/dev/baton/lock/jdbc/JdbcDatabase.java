package dev.baton.lock.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.testkit.fixture.MissingServer;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * A database for tests: PostgreSQL or MariaDB at the URL in {@code BATON_JDBC_POSTGRES_URL} /
 * {@code BATON_JDBC_MARIADB_URL} (user and password in {@code ..._USER} / {@code ..._PASSWORD}),
 * else the local server ({@code 127.0.0.1:5432}, database {@code test}, user {@code postgres}, trust
 * auth; {@code 127.0.0.1:3306}, database {@code test}, user {@code root} without password); or H2 in
 * this JVM. A server that cannot be reached fails the test with instructions when {@code CI=true}
 * and skips it otherwise. Each test class works in tables of its own, dropped at the end.
 */
final class JdbcDatabase implements AutoCloseable {
  static final String HOW_TO_GET_POSTGRES = "start the local PostgreSQL (./scripts/test.sh installs Debian's postgresql "
      + "and starts it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start; database test, "
      + "trust auth on 127.0.0.1), or point BATON_JDBC_POSTGRES_URL (and _USER, _PASSWORD) at a PostgreSQL 12+";
  static final String HOW_TO_GET_MARIADB = "start the local MariaDB (./scripts/test.sh installs Debian's mariadb-server "
      + "and starts it: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd; database test, "
      + "root without password on 127.0.0.1), or point BATON_JDBC_MARIADB_URL (and _USER, _PASSWORD) at a MariaDB 10.5+ "
      + "or MySQL 8";

  final JdbcDialect dialect;
  final String url;
  final Optional<String> user;
  final Optional<String> password;
  private HikariDataSource pool;

  private JdbcDatabase(JdbcDialect dialect, String url, Optional<String> user, Optional<String> password) {
    this.dialect = dialect;
    this.url = url;
    this.user = user;
    this.password = password;
  }

  static JdbcDatabase postgres() {
    return server(JdbcDialect.POSTGRESQL, "BATON_JDBC_POSTGRES", "jdbc:postgresql://127.0.0.1:5432/test", "postgres",
        "a PostgreSQL server", HOW_TO_GET_POSTGRES);
  }

  static JdbcDatabase mariadb() {
    return server(JdbcDialect.MYSQL, "BATON_JDBC_MARIADB", "jdbc:mariadb://127.0.0.1:3306/test", "root",
        "a MariaDB server", HOW_TO_GET_MARIADB);
  }

  /** H2 in memory in this JVM, alive until the JVM ends. */
  static JdbcDatabase h2() {
    return new JdbcDatabase(JdbcDialect.H2, "jdbc:h2:mem:baton_" + UUID.randomUUID().toString().replace("-", "")
        + ";DB_CLOSE_DELAY=-1", Optional.of("sa"), Optional.of(""));
  }

  private static JdbcDatabase server(JdbcDialect dialect, String env, String defaultUrl, String defaultUser, String what,
      String howToGet) {
    String given = System.getenv(env + "_URL");
    JdbcDatabase db = given != null && !given.isBlank()
        ? new JdbcDatabase(dialect, given.trim(), Optional.ofNullable(System.getenv(env + "_USER")),
            Optional.ofNullable(System.getenv(env + "_PASSWORD")))
        : new JdbcDatabase(dialect, defaultUrl, Optional.of(defaultUser), Optional.of(""));
    try (Connection c = db.connect()) {
      c.isValid(5);
    } catch (SQLException e) {
      return MissingServer.unavailable(what + " at " + JdbcLockSettings.redactUrl(db.url) + " (" + e.getMessage() + ")",
          howToGet);
    }
    return db;
  }

  /** A new connection of its own, outside every pool (for the tests' own reads, writes and kills). */
  Connection connect() throws SQLException {
    Properties p = new Properties();
    user.ifPresent(u -> p.setProperty("user", u));
    password.ifPresent(pw -> p.setProperty("password", pw));
    String u = dialect == JdbcDialect.H2 ? url : JdbcLockProvider.withTimeouts(url, java.time.Duration.ofSeconds(5));
    return DriverManager.getConnection(u, p);
  }

  /** A pool for the tests' locks, shared by every lock of a test class (the locks never close it). */
  synchronized HikariDataSource dataSource() {
    if (pool == null) {
      HikariConfig c = new HikariConfig();
      c.setJdbcUrl(dialect == JdbcDialect.H2 ? url : JdbcLockProvider.withTimeouts(url, java.time.Duration.ofSeconds(1)));
      user.ifPresent(c::setUsername);
      password.ifPresent(c::setPassword);
      c.setPoolName("test-" + dialect.name().toLowerCase(java.util.Locale.ROOT));
      c.setMaximumPoolSize(12);
      c.setMinimumIdle(12);
      c.setConnectionTimeout(1_000);
      c.setValidationTimeout(500);
      pool = new HikariDataSource(c);
    }
    return pool;
  }

  /** Settings that reach this database through the provider's own pool. */
  dev.baton.leaderelection.resourcelock.ResourceLockOptions.Builder settings(String table) {
    var b = dev.baton.leaderelection.resourcelock.ResourceLockOptions.builder()
        .setting(JdbcLockSettings.URL, url).setting(JdbcLockSettings.TABLE, table);
    user.ifPresent(u -> b.setting(JdbcLockSettings.USER, u));
    password.filter(p -> !p.isEmpty()).ifPresent(p -> b.setting(JdbcLockSettings.PASSWORD, p));
    return b;
  }

  /** Host and port of a server database, for a proxy in front of it. */
  URI address() {
    URI u = URI.create(url.substring("jdbc:".length()));
    return URI.create("tcp://" + u.getHost() + ":" + (u.getPort() < 0 ? defaultPort() : u.getPort()));
  }

  int defaultPort() {
    return dialect == JdbcDialect.POSTGRESQL ? 5432 : 3306;
  }

  /** The URL with the host and port replaced, such as a proxy's. */
  String urlVia(int port) {
    URI a = address();
    return url.replaceFirst("//" + java.util.regex.Pattern.quote(a.getHost()) + "(:\\d+)?", "//127.0.0.1:" + port);
  }

  /** A table name no other test class or run uses. */
  static String uniqueTable() {
    return "baton_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** Creates a table with the DDL the README documents. */
  String createTable() throws SQLException {
    String table = uniqueTable();
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(dialect.createTable(table));
    }
    return table;
  }

  void dropTable(String table) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
    }
  }

  /** Stores {@code raw} as the row's record, bumping its version, around every lock. */
  void plant(String table, String namespace, String name, byte[] raw) throws SQLException {
    try (Connection c = dataSource().getConnection()) {
      try (PreparedStatement s = c.prepareStatement("UPDATE " + table
          + " SET record = ?, version = version + 1 WHERE namespace = ? AND name = ?")) {
        s.setBytes(1, raw);
        s.setString(2, namespace);
        s.setString(3, name);
        if (s.executeUpdate() == 1) {
          return;
        }
      }
      try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table
          + " (namespace, name, record, version) VALUES (?, ?, ?, 1)")) {
        s.setString(1, namespace);
        s.setString(2, name);
        s.setBytes(3, raw);
        s.executeUpdate();
      }
    }
  }

  /** Deletes the row of {@code namespace/name}, around every lock. */
  void delete(String table, String namespace, String name) throws SQLException {
    try (Connection c = dataSource().getConnection(); PreparedStatement s = c.prepareStatement("DELETE FROM " + table
        + " WHERE namespace = ? AND name = ?")) {
      s.setString(1, namespace);
      s.setString(2, name);
      s.executeUpdate();
    }
  }

  Optional<byte[]> stored(String table, String namespace, String name) throws SQLException {
    try (Connection c = dataSource().getConnection(); PreparedStatement s = c.prepareStatement("SELECT record FROM " + table
        + " WHERE namespace = ? AND name = ?")) {
      s.setString(1, namespace);
      s.setString(2, name);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
      }
    }
  }

  Optional<Long> storedVersion(String table, String namespace, String name) throws SQLException {
    try (Connection c = dataSource().getConnection(); PreparedStatement s = c.prepareStatement("SELECT version FROM " + table
        + " WHERE namespace = ? AND name = ?")) {
      s.setString(1, namespace);
      s.setString(2, name);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
      }
    }
  }

  void execute(String sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Override
  public synchronized void close() {
    if (pool != null) {
      pool.close();
      pool = null;
    }
  }
}
