package dev.baton.lock.jdbc;

import dev.baton.testkit.TimeDriver;
import dev.baton.testkit.VirtualElectionRuntime;
import org.junit.jupiter.api.DisplayName;

/** The whole conformance kit against a real MariaDB, the electors on virtual time (see {@link #newTimeDriver()}). */
@DisplayName("JDBC lock against MariaDB")
class MariaDbLockConformanceTest extends JdbcLockConformanceTest {
  @Override
  protected String kind() {
    return "mariadb";
  }

  /**
   * The electors run on virtual time against the real MariaDB (each call is a real, blocking statement;
   * the clock stands still meanwhile), which keeps the module's run short; PostgreSQL runs the kit on
   * real time, and JdbcFailureTest the real-time failures on MariaDB. {@code BATON_JDBC_REAL_TIME=true}
   * runs this kit on real time too (about 35 s more).
   */
  @Override
  protected TimeDriver newTimeDriver() {
    return "true".equalsIgnoreCase(System.getenv("BATON_JDBC_REAL_TIME")) ? TimeDriver.realTime()
        : TimeDriver.virtual(new VirtualElectionRuntime(3306));
  }
}
