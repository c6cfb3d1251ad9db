package dev.baton.lock.jdbc;

import dev.baton.leaderelection.LeaderCallbacks;
import dev.baton.leaderelection.LeaderElectionConfig;
import dev.baton.leaderelection.LeaderElector;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * The code of lock-jdbc/README.md, which shows the regions tagged here. {@link ReadmeExamplesTest}
 * runs them on H2, all but {@link #newLockFromUrl}, which needs {@code DB_PASSWORD} in the
 * environment and a server named {@code db}.
 */
final class ReadmeExamples {
  private ReadmeExamples() {
  }

  static ResourceLock newLockFromUrl(String hostname) throws LockException {
    // tag::new-lock-url[]
    ResourceLock lock = ResourceLocks.newLock("jdbc", "payments", "scheduler", ResourceLockConfig.of(hostname),
        ResourceLockOptions.builder()
            .setting("jdbc.url", "jdbc:postgresql://db:5432/app")
            .setting("jdbc.user", "scheduler")
            .setting("jdbc.password", System.getenv("DB_PASSWORD"))
            .build());
    // end::new-lock-url[]
    return lock;
  }

  /** The lock through the provider and the same lock built directly, in that order. */
  static List<ResourceLock> newLockOnDataSource(DataSource dataSource, String hostname) throws LockException {
    // tag::new-lock-datasource[]
    ResourceLock lock = ResourceLocks.newLock("jdbc", "payments", "scheduler", ResourceLockConfig.of(hostname),
        ResourceLockOptions.builder().client(DataSource.class, dataSource).build());
    // or directly, naming the table and the bound of every call:
    ResourceLock direct = new JdbcLock(dataSource, "baton_leader_election", "payments", "scheduler",
        ResourceLockConfig.of(hostname), Duration.ofSeconds(5));
    // end::new-lock-datasource[]
    return List.of(lock, direct);
  }

  static void nightlyExport(DataSource appDataSource, LeaderCallbacks exportCallbacks)
      throws LockException, UnknownHostException, InterruptedException {
    // tag::elector[]
    ResourceLock lock = ResourceLocks.newLock("jdbc", "billing", "nightly-export",
        ResourceLockConfig.of(InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid()),
        ResourceLockOptions.builder().client(DataSource.class, appDataSource).build());
    LeaderElector elector = new LeaderElector(LeaderElectionConfig.builder()
        .lock(lock).releaseOnCancel(true).callbacks(exportCallbacks).build());
    elector.run();
    // end::elector[]
  }
}
