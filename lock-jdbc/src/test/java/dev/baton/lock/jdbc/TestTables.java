package dev.baton.lock.jdbc;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The databases of one test class and a table of its own in each, opened on first use and dropped
 * and closed after the class ({@code @RegisterExtension static final TestTables TABLES = ...}).
 */
final class TestTables implements AfterAllCallback {
  private static final Map<String, Supplier<JdbcDatabase>> KINDS = Map.of(
      "postgres", JdbcDatabase::postgres, "mariadb", JdbcDatabase::mariadb, "h2", JdbcDatabase::h2);

  private final Map<String, JdbcDatabase> databases = new LinkedHashMap<>();
  private final Map<String, String> tables = new LinkedHashMap<>();
  private final boolean warm;

  /**
   * @param warm whether each table is warmed up on first use (see {@link JdbcLockConformanceTest#warmUp})
   */
  TestTables(boolean warm) {
    this.warm = warm;
  }

  /** The database of a kind: {@code postgres}, {@code mariadb} or {@code h2}. */
  synchronized JdbcDatabase db(String kind) {
    return databases.computeIfAbsent(kind, k -> {
      Supplier<JdbcDatabase> open = KINDS.get(k);
      if (open == null) {
        throw new IllegalArgumentException("no test database of kind " + k + "; known: " + KINDS.keySet());
      }
      return open.get();
    });
  }

  /** The class's table in the database of a kind. */
  synchronized String table(String kind) throws SQLException {
    String t = tables.get(kind);
    if (t == null) {
      t = db(kind).createTable();
      tables.put(kind, t);
      if (warm) {
        try {
          JdbcLockConformanceTest.warmUp(db(kind), t);
        } catch (Exception e) {
          throw new IllegalStateException("warming up " + kind + " failed", e);
        }
      }
    }
    return t;
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) throws SQLException {
    if (context.getRequiredTestClass().isAnnotationPresent(org.junit.jupiter.api.Nested.class)) {
      return;   // the conformance kit's groups: the tables serve the whole class
    }
    try {
      for (Map.Entry<String, String> e : tables.entrySet()) {
        databases.get(e.getKey()).dropTable(e.getValue());
      }
    } finally {
      databases.values().forEach(JdbcDatabase::close);
      databases.clear();
      tables.clear();
    }
  }
}
