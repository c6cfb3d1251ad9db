package dev.baton.lock.jdbc;

// The example of testkit/README.md ("Proving a backend" shows the lines between the tags): the whole
// conformance kit on the JDBC lock against H2 in this JVM, hooked up as a third party would, with
// the locks from the provider and the raw hooks in plain SQL.
// tag::hookup[]
import static dev.baton.testkit.LockCapability.DELETE_RECORD;
import static dev.baton.testkit.LockCapability.RAW_RECORD;
import static dev.baton.testkit.LockCapability.REVISION;

import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.lock.jdbc.JdbcDialect;
import dev.baton.testkit.LockCapability;
import dev.baton.testkit.ResourceLockConformanceKit;
import dev.baton.testkit.TimeDriver;
import dev.baton.testkit.VirtualElectionRuntime;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.BeforeAll;

class H2LockConformanceTest extends ResourceLockConformanceKit {
  static final DataSource H2 = JdbcConnectionPool.create("jdbc:h2:mem:kit;DB_CLOSE_DELAY=-1", "sa", "");

  @BeforeAll static void createTable() throws Exception { sql(JdbcDialect.H2.createTable("baton_leader_election")); }

  @Override protected String lockType() { return "jdbc"; }
  @Override protected ResourceLockOptions lockOptions() { return ResourceLockOptions.builder().client(DataSource.class, H2).build(); }
  @Override protected Set<LockCapability> capabilities() { return Set.of(REVISION, RAW_RECORD, DELETE_RECORD); }
  @Override protected TimeDriver newTimeDriver() { return TimeDriver.virtual(new VirtualElectionRuntime(18)); }

  @Override protected void plantRawRecord(String namespace, String name, byte[] raw) throws Exception {
    sql("MERGE INTO baton_leader_election KEY (namespace, name) VALUES (?, ?, ?,"
        + " (SELECT COALESCE(MAX(version), 0) + 1 FROM baton_leader_election))", namespace, name, raw);
  }
  @Override protected Optional<byte[]> storedRawRecord(String namespace, String name) throws Exception {
    return sql("SELECT record FROM baton_leader_election WHERE namespace = ? AND name = ?", namespace, name);
  }
  @Override protected void deleteRecord(String namespace, String name) throws Exception {
    sql("DELETE FROM baton_leader_election WHERE namespace = ? AND name = ?", namespace, name);
  }

  static Optional<byte[]> sql(String statement, Object... args) throws Exception {
    try (Connection c = H2.getConnection(); PreparedStatement s = c.prepareStatement(statement)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      ResultSet rows = s.execute() ? s.getResultSet() : null;
      return rows != null && rows.next() ? Optional.of(rows.getBytes(1)) : Optional.empty();
    }
  }
}
// end::hookup[]
