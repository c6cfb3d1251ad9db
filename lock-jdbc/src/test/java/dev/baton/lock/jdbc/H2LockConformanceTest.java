package dev.baton.lock.jdbc;

import dev.baton.testkit.TimeDriver;
import dev.baton.testkit.VirtualElectionRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

/** The whole conformance kit against H2 in this JVM, the electors on virtual time. */
@DisplayName("JDBC lock against H2 in this JVM")
class H2LockConformanceTest extends JdbcLockConformanceTest {
  static JdbcDatabase db;
  static String table;

  @BeforeAll
  static void start() throws Exception {
    db = JdbcDatabase.h2();
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

  /** H2 answers in-process without blocking, so its electors can run on virtual time (15 s / 10 s / 2 s). */
  @Override
  protected TimeDriver newTimeDriver() {
    return TimeDriver.virtual(new VirtualElectionRuntime(18));
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
