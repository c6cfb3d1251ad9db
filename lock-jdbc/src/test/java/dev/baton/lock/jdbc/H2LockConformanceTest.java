package dev.baton.lock.jdbc;

import dev.baton.testkit.TimeDriver;
import dev.baton.testkit.VirtualElectionRuntime;
import org.junit.jupiter.api.DisplayName;

/** The whole conformance kit against H2 in this JVM, the electors on virtual time. */
@DisplayName("JDBC lock against H2 in this JVM")
class H2LockConformanceTest extends JdbcLockConformanceTest {
  @Override
  protected String kind() {
    return "h2";
  }

  /** H2 answers in-process without blocking, so its electors can run on virtual time (15 s / 10 s / 2 s). */
  @Override
  protected TimeDriver newTimeDriver() {
    return TimeDriver.virtual(new VirtualElectionRuntime(18));
  }
}
