package dev.baton.lock.jdbc;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.testkit.LockCapability;
import dev.baton.testkit.ResourceLockConformanceKit;
import dev.baton.testkit.StoreStall;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole conformance kit on the JDBC lock; one subclass per database, each in a table of its own.
 * The kit's locks share the subclass's pool (as candidates in one process would share a
 * DataSource); the discovery group goes through the provider with the subclass's options.
 */
abstract class JdbcLockConformanceTest extends ResourceLockConformanceKit {

  /**
   * Fills the pool and runs a few calls, so that the first measured election does not pay for a cold
   * JVM (class loading, JIT, new connections): on 2 busy cores that can outlast the 1 s call timeout.
   */
  static void warmUp(JdbcDatabase db, String table) throws Exception {
    try (java.sql.Connection c = db.dataSource().getConnection()) {
      c.isValid(5);
    }
    JdbcLock lock = new JdbcLock(db.dataSource(), table, "warm-up", java.util.UUID.randomUUID().toString(),
        ResourceLockConfig.of("warm-up"), Duration.ofSeconds(30));
    java.time.Instant t = java.time.Instant.now();
    lock.create(dev.baton.leaderelection.resourcelock.LeaderElectionRecord.of("warm-up", 15, t, t, 0));
    for (int i = 1; i <= 20; i++) {
      lock.get();
      lock.update(dev.baton.leaderelection.resourcelock.LeaderElectionRecord.of("warm-up", 15, t, t, i));
    }
  }

  /** The databases and tables of the kit's run, dropped after each subclass. */
  @RegisterExtension
  static final TestTables TABLES = new TestTables(true);

  /** The subclass's database: {@code postgres}, {@code mariadb} or {@code h2}. */
  protected abstract String kind();

  private JdbcDatabase database() {
    return TABLES.db(kind());
  }

  private String table() {
    try {
      return TABLES.table(kind());
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot create the " + kind() + " table", e);
    }
  }

  @Override
  protected String lockType() {
    return "jdbc";
  }

  @Override
  protected ResourceLock newLock(String namespace, String name, String identity) {
    JdbcDatabase db = database();
    return db.dialect == JdbcDialect.POSTGRESQL
        ? new WatchableJdbcLock(db.dataSource(), table(), namespace, name, ResourceLockConfig.of(identity),
            Duration.ofSeconds(1))
        : new JdbcLock(db.dataSource(), table(), namespace, name, ResourceLockConfig.of(identity), Duration.ofSeconds(1));
  }

  @Override
  protected void plantRawRecord(String namespace, String name, byte[] raw) throws Exception {
    database().plant(table(), namespace, name, raw);
  }

  @Override
  protected Optional<byte[]> storedRawRecord(String namespace, String name) throws Exception {
    return database().stored(table(), namespace, name);
  }

  @Override
  protected void deleteRecord(String namespace, String name) throws Exception {
    database().delete(table(), namespace, name);
  }

  /** The provider's own pool (timeouts from the options) through a proxy in front of the server; not H2 (no endpoint). */
  @Override
  protected StoreStall newStoreStall() {
    JdbcDatabase db = database();
    String table = table();
    return StoreStall.throughProxy(lockType(), new InetSocketAddress(db.address().getHost(), db.address().getPort()),
        via -> db.settings(table).setting(JdbcLockSettings.URL, db.urlVia(via.getPort())).build());
  }

  @Override
  protected Set<LockCapability> capabilities() {
    Set<LockCapability> all = new java.util.HashSet<>(Set.of(LockCapability.REVISION, LockCapability.RAW_RECORD,
        LockCapability.DELETE_RECORD));
    if (database().dialect == JdbcDialect.POSTGRESQL) {
      all.add(LockCapability.WATCH);
    }
    if (database().dialect != JdbcDialect.H2) {
      all.add(LockCapability.STALL);
    }
    return all;
  }

  @Override
  protected ResourceLockOptions lockOptions() {
    return database().settings(table()).build();
  }
}
