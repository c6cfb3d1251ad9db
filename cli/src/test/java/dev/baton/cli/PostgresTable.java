package dev.baton.cli;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import dev.baton.lock.jdbc.JdbcDialect;
import dev.baton.testkit.fixture.MissingServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A table of its own on the machine's PostgreSQL, for the commands that need a store several
 * processes share ({@code baton run} and {@code baton status} refuse the in-memory lock). The JDBC
 * lock on PostgreSQL can be watched, so {@code status --watch} sees changes at once.
 */
final class PostgresTable implements AutoCloseable {
  static final String URL = System.getenv().getOrDefault("BATON_JDBC_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  static final String USER = System.getenv().getOrDefault("BATON_JDBC_POSTGRES_USER", "postgres");
  static final String NAMESPACE = "cli";

  private final String table = "baton_cli_" + UUID.randomUUID().toString().substring(0, 8);
  private final List<ResourceLock> locks = new ArrayList<>();

  private PostgresTable() {
  }

  /** Creates the table; skips the test (fails it with {@code CI=true}) when there is no PostgreSQL. */
  static PostgresTable create() throws SQLException {
    PostgresTable t = new PostgresTable();
    try (Connection c = DriverManager.getConnection(URL, USER, ""); Statement s = c.createStatement()) {
      s.execute(JdbcDialect.POSTGRESQL.createTable(t.table));
    } catch (SQLException e) {
      MissingServer.unavailable("a PostgreSQL server at " + URL + " (" + e.getMessage() + ")",
          "./scripts/test.sh installs and starts one; or set BATON_JDBC_POSTGRES_URL");
    }
    return t;
  }

  /** The command-line flags for the lock {@code cli/NAME} in this table. */
  List<String> flags(String name) {
    return List.of("--lock", "jdbc", "--namespace", NAMESPACE, "--name", name, "--setting", "jdbc.url=" + URL,
        "--setting", "jdbc.user=" + USER, "--setting", "jdbc.table=" + table);
  }

  /** A lock on {@code cli/NAME} in this table, as another candidate makes it; closed with the table. */
  ResourceLock lock(String name, String identity) throws Exception {
    ResourceLock lock = ResourceLocks.newLock("jdbc", NAMESPACE, name, ResourceLockConfig.of(identity),
        ResourceLockOptions.builder().setting("jdbc.url", URL).setting("jdbc.user", USER).setting("jdbc.table", table)
            .build());
    locks.add(lock);
    return lock;
  }

  @Override
  public void close() throws Exception {
    for (ResourceLock lock : locks) {
      if (lock instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
    try (Connection c = DriverManager.getConnection(URL, USER, ""); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
    }
  }
}
