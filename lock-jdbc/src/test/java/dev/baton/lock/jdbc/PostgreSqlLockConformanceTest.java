package dev.baton.lock.jdbc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

/** The whole conformance kit against PostgreSQL. */
@DisplayName("JDBC lock against PostgreSQL")
class PostgreSqlLockConformanceTest extends JdbcLockConformanceTest {
  static JdbcDatabase db;
  static String table;

  @BeforeAll
  static void start() throws Exception {
    db = JdbcDatabase.postgres();
    table = db.createTable();
    warmUp(db, table);
  }

  @AfterAll
  static void stop() throws Exception {
    if (db != null) {
      db.close();
      if (table != null) {
        db.dropTable(table);
      }
    }
  }

  @Override
  protected JdbcDatabase database() {
    return db;
  }

  @Override
  protected String table() {
    return table;
  }
}
