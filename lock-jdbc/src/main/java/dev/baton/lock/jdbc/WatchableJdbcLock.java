package dev.baton.lock.jdbc;

import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apiguardian.api.API;

/**
 * The JDBC lock on PostgreSQL with the watch capability: every write of a {@link JdbcLock} on
 * PostgreSQL announces itself with {@code pg_notify} in the statement that writes the row, and a
 * watch listens on the table's channel ({@code LISTEN}), so a follower learns of a release or a new
 * holder within milliseconds instead of at its next poll.
 *
 * <p>All watches on one DataSource and table share one listening connection and one thread. A watch
 * starts from a known point: {@link #watch} returns once the channel is listened to and the row's
 * current version is read, and every write after that is delivered (in order, each once). When the
 * listening connection breaks, it is opened again and the row read: a change missed meanwhile is
 * delivered as the current record. Writes made outside Baton (an operator's {@code UPDATE}, a
 * {@code DELETE}) are not announced; the elector's polling sees them. A watch never changes the
 * version {@link #update} compares against: only {@link #get}, {@link #create} and {@link #update}
 * of this instance do.
 *
 * <p>Needs the PostgreSQL JDBC driver ({@code org.postgresql:postgresql}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class WatchableJdbcLock extends JdbcLock implements WatchableResourceLock {

  /**
   * A watchable lock on a PostgreSQL DataSource the caller owns; the lock never closes it.
   *
   * @param dataSource where to connect: PostgreSQL through its JDBC driver
   * @param table the table's name, such as {@value JdbcLockSettings#DEFAULT_TABLE}
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @param config the candidate's identity and event recorder
   * @param timeout the bound of every call
   */
  public WatchableJdbcLock(DataSource dataSource, String table, String namespace, String name,
      ResourceLockConfig config, Duration timeout) {
    this(dataSource, null, JdbcDialect.POSTGRESQL, table, false, namespace, name, config, timeout,
        "the given DataSource", Optional.empty(), Optional.empty());
  }

  WatchableJdbcLock(DataSource dataSource, AutoCloseable ownedPool, JdbcDialect dialect, String table,
      boolean createTable, String namespace, String name, ResourceLockConfig config, Duration timeout, String location,
      Optional<String> user, Optional<String> password) {
    super(dataSource, ownedPool, dialect, table, createTable, namespace, name, config, timeout, location, user,
        password);
  }

  @Override
  public RecordWatch watch(Consumer<ObservedRecord> listener) throws LockException {
    java.util.Objects.requireNonNull(listener, "listener");
    try {
      return PgListener.subscribe(this, listener);
    } catch (LinkageError e) {
      throw new LockException(describe(), "cannot watch: the PostgreSQL JDBC driver (org.postgresql:postgresql) is "
          + "not on the class path", e);
    }
  }
}
