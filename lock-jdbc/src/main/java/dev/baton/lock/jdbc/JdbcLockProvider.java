package dev.baton.lock.jdbc;

import com.google.auto.service.AutoService;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockProvider;
import dev.baton.leaderelection.resourcelock.ResourceLockRequest;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves lock type {@code jdbc}. With a ready-made {@link DataSource} in the options the lock uses
 * it and never closes it; otherwise it builds a small HikariCP pool from the settings
 * ({@link JdbcLockSettings}) and closes it with the lock. On PostgreSQL (with the PostgreSQL JDBC
 * driver) the lock is a {@link WatchableJdbcLock} unless {@code jdbc.watch=false}.
 */
@AutoService(ResourceLockProvider.class)
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class JdbcLockProvider implements ResourceLockProvider {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcLockProvider.class);

  /** The lock type, {@code jdbc}. */
  public static final String LOCK_TYPE = ResourceLocks.JDBC;

  /** Connections of a pool the provider builds: one in use, one spare, one for a watch. */
  static final int POOL_SIZE = 3;

  @Override
  public String lockType() {
    return LOCK_TYPE;
  }

  @Override
  public java.util.Optional<java.util.Set<String>> settingKeys(ResourceLockRequest request) {
    return java.util.Optional.of(JdbcLockSettings.KEYS);
  }

  @Override
  public ResourceLock create(ResourceLockRequest request) throws LockException {
    Optional<DataSource> given = request.client(DataSource.class);
    JdbcLockSettings settings = JdbcLockSettings.from(request.options(), given.isPresent());
    JdbcLock.key(request.namespace(), "namespace"); // checks the names before a pool exists
    JdbcLock.key(request.name(), "name");
    if (given.isPresent()) {
      return onGivenDataSource(given.get(), settings, request);
    }
    String url = settings.url().orElseThrow();
    JdbcDialect dialect = settings.urlDialect().orElseThrow();
    String location = JdbcLockSettings.redactUrl(url);
    HikariDataSource pool = newPool(settings, request.namespace() + "/" + request.name(), request.toString());
    boolean watch = settings.watch() && dialect == JdbcDialect.POSTGRESQL && pgDriverPresent();
    return watch
        ? new WatchableJdbcLock(pool, pool, dialect, settings.table(), settings.createTable(), request.namespace(),
            request.name(), request.config(), settings.timeout(), location, settings.user(), settings.password())
        : new JdbcLock(pool, pool, dialect, settings.table(), settings.createTable(), request.namespace(),
            request.name(), request.config(), settings.timeout(), location, settings.user(), settings.password());
  }

  /**
   * With a DataSource the dialect comes from the database itself: one connection now, bounded by
   * the timeout. A database that cannot be reached yet still gets a lock (it learns the dialect on
   * its first call), but one that polls; a refused login or an unsupported database fails here.
   */
  private static ResourceLock onGivenDataSource(DataSource ds, JdbcLockSettings settings, ResourceLockRequest request)
      throws LockException {
    String location = "the given DataSource";
    JdbcLock probe = new JdbcLock(ds, null, null, settings.table(), settings.createTable(), request.namespace(),
        request.name(), request.config(), settings.timeout(), location, Optional.empty(), Optional.empty());
    JdbcDialect dialect;
    boolean listenable;
    try {
      listenable = probe.call("connection check", false, (c, deadline) -> unwrapsToPgConnection(c));
      dialect = probe.dialect().orElseThrow();
    } catch (TransientLockException e) {
      LOG.warn("{}: cannot reach the database yet ({}); the lock will poll instead of listening for changes",
          probe.describe(), e.getMessage());
      return probe;
    }
    if (dialect == JdbcDialect.POSTGRESQL && settings.watch() && listenable) {
      return new WatchableJdbcLock(ds, null, dialect, settings.table(), settings.createTable(), request.namespace(),
          request.name(), request.config(), settings.timeout(), location, Optional.empty(), Optional.empty());
    }
    return new JdbcLock(ds, null, dialect, settings.table(), settings.createTable(), request.namespace(),
        request.name(), request.config(), settings.timeout(), location, Optional.empty(), Optional.empty());
  }

  /**
   * Builds the pool the provider's locks use: {@value #POOL_SIZE} connections at most, one kept
   * idle, acquisition bounded by the timeout, socket and connect timeouts in the URL where the
   * driver takes them, and no connection attempt before the first call.
   *
   * @param settings the settings, with a URL
   * @param lockName the lock's namespace/name, for the pool's name
   * @param lockDescription for error messages
   * @return the pool; the caller closes it
   * @throws LockException when no driver on the class path takes the URL
   */
  public static HikariDataSource newPool(JdbcLockSettings settings, String lockName, String lockDescription)
      throws LockException {
    String url = settings.url().orElseThrow(() -> new IllegalArgumentException(JdbcLockSettings.URL + " is missing"));
    Duration timeout = settings.timeout();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(withTimeouts(url, timeout));
    settings.user().ifPresent(config::setUsername);
    settings.password().ifPresent(config::setPassword);
    config.setPoolName("baton-jdbc-" + lockName.replaceAll("[^A-Za-z0-9_./-]", "_"));
    config.setMaximumPoolSize(POOL_SIZE);
    config.setMinimumIdle(1);
    // A quarter of the call is left for the statement once a connection was waited for.
    config.setConnectionTimeout(Math.max(250, timeout.toMillis() * 3 / 4));
    config.setValidationTimeout(Math.max(250, timeout.toMillis() / 2));
    config.setInitializationFailTimeout(-1);
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      String driver = switch (settings.urlDialect().orElseThrow()) {
        case POSTGRESQL -> "org.postgresql:postgresql";
        case MYSQL -> url.toLowerCase(Locale.ROOT).startsWith("jdbc:mysql:") ? "com.mysql:mysql-connector-j"
            : "org.mariadb.jdbc:mariadb-java-client";
        case H2 -> "com.h2database:h2";
      };
      throw new LockException(lockDescription, "cannot set up a connection pool for "
          + JdbcLockSettings.redactUrl(url) + ": " + e.getMessage() + "; is the JDBC driver on the class path? ("
          + driver + ")", e);
    }
  }

  /**
   * The URL with the driver's own connect and socket timeouts added, unless it sets them: a
   * backstop under the lock's per-call deadline (PostgreSQL takes seconds, MySQL and MariaDB
   * milliseconds; H2 has none).
   *
   * @param url a JDBC URL
   * @param timeout the call timeout
   * @return the URL to connect with
   */
  static String withTimeouts(String url, Duration timeout) {
    JdbcDialect dialect = JdbcDialect.ofUrl(url).orElse(null);
    if (dialect == JdbcDialect.POSTGRESQL) {
      String seconds = Long.toString(Math.max(1, (timeout.toMillis() + 999) / 1000));
      return param(param(param(param(url, "connectTimeout", seconds), "socketTimeout", seconds), "loginTimeout",
          seconds), "cancelSignalTimeout", seconds);
    }
    if (dialect == JdbcDialect.MYSQL) {
      String millis = Long.toString(Math.max(1, timeout.toMillis()));
      return param(param(url, "connectTimeout", millis), "socketTimeout", millis);
    }
    return url;
  }

  private static String param(String url, String key, String value) {
    if (url.toLowerCase(Locale.ROOT).matches(".*[?&]" + key.toLowerCase(Locale.ROOT) + "=.*")) {
      return url;
    }
    return url + (url.contains("?") ? "&" : "?") + key + "=" + value;
  }

  /** Whether a connection is the PostgreSQL JDBC driver's, which LISTEN/NOTIFY needs. */
  private static boolean unwrapsToPgConnection(Connection c) {
    try {
      return pgDriverPresent()
          && c.isWrapperFor(Class.forName("org.postgresql.PGConnection", false, JdbcLockProvider.class.getClassLoader()));
    } catch (ClassNotFoundException | LinkageError | SQLException e) {
      return false;
    }
  }

  /** Whether the PostgreSQL JDBC driver (for LISTEN/NOTIFY) is on the class path. */
  static boolean pgDriverPresent() {
    try {
      Class.forName("org.postgresql.PGConnection", false, JdbcLockProvider.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
