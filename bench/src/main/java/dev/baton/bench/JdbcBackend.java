package dev.baton.bench;

import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A relational database already running on this machine (PostgreSQL at 127.0.0.1:5432 or MariaDB at
 * 127.0.0.1:3306, database {@code test}, as scripts/test.sh sets them up); each candidate's lock is
 * made by {@code ResourceLocks.newLock("jdbc", ...)} with a pool of its own, as separate processes
 * would have, in a table of this run that is dropped afterwards.
 */
final class JdbcBackend implements Backend {
  private final String name;
  private final String url;
  private final String user;
  private final boolean watches;
  private final Timings timings;
  private final String table = "baton_bench_" + UUID.randomUUID().toString().substring(0, 8);
  private final List<ResourceLock> locks = new CopyOnWriteArrayList<>();

  private JdbcBackend(String name, String url, String user, boolean watches, Timings timings) {
    this.name = name;
    this.url = url;
    this.user = user;
    this.watches = watches;
    this.timings = timings;
  }

  /** PostgreSQL, with its LISTEN/NOTIFY watch. */
  static JdbcBackend postgres(Timings timings) {
    return new JdbcBackend("jdbc-postgres", "jdbc:postgresql://127.0.0.1:5432/test", "postgres", true, timings);
  }

  /** MariaDB, polling (it has no notification). */
  static JdbcBackend mariadb(Timings timings) {
    return new JdbcBackend("jdbc-mariadb", "jdbc:mariadb://127.0.0.1:3306/test", "root", false, timings);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ResourceLock newLock(String lockName, String identity) throws Exception {
    ResourceLock lock = ResourceLocks.newLock(ResourceLocks.JDBC, "bench", lockName, ResourceLockConfig.of(identity),
        ResourceLockOptions.builder().setting("jdbc.url", url).setting("jdbc.user", user).setting("jdbc.table", table)
            .setting("jdbc.createTable", "true").renewDeadline(timings.renew()).build());
    locks.add(lock);
    return lock;
  }

  @Override
  public boolean watches() {
    return watches;
  }

  @Override
  public void close() throws Exception {
    for (ResourceLock lock : locks) {
      if (lock instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
    try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
    }
  }
}
