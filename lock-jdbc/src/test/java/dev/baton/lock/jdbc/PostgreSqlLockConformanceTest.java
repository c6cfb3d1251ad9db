package dev.baton.lock.jdbc;

import org.junit.jupiter.api.DisplayName;

/** The whole conformance kit against PostgreSQL. */
@DisplayName("JDBC lock against PostgreSQL")
class PostgreSqlLockConformanceTest extends JdbcLockConformanceTest {
  @Override
  protected String kind() {
    return "postgres";
  }
}
