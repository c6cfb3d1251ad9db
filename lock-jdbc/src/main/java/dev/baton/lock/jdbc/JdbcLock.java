package dev.baton.lock.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.baton.leaderelection.resourcelock.AbstractResourceLock;
import dev.baton.leaderelection.resourcelock.CorruptRecordException;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.RecordAlreadyExistsException;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import dev.baton.leaderelection.resourcelock.UpdateConflictException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apiguardian.api.API;

/**
 * The lock on a relational database (type {@code jdbc}): one row per lock in one table, keyed by
 * (namespace, name), holding the record's client-go JSON bytes as written and a version that every
 * write increments.
 *
 * <ul>
 *   <li>{@link #get} selects the row and returns its bytes unchanged; {@link #revision()} is the
 *       row's version (the fencing source: it increases with every write of the record).</li>
 *   <li>{@link #create} inserts the row at version 1; a duplicate key is a
 *       {@link RecordAlreadyExistsException}.</li>
 *   <li>{@link #update} is {@code UPDATE ... WHERE namespace = ? AND name = ? AND version = ?} with
 *       the version this instance last read or wrote; no row updated (changed or deleted since) is an
 *       {@link UpdateConflictException}.</li>
 *   <li>A row whose bytes are not a record is a {@link CorruptRecordException} naming the table and
 *       the key; it is never overwritten: after such a read, {@link #update} refuses until a
 *       {@link #get} reads a valid record again.</li>
 * </ul>
 *
 * <p>Every call is bounded by the timeout it was given: the query timeout, the pool's acquisition
 * timeout and, at the deadline, an abort of the connection in use (which no hung network survives).
 * A lost connection or a timeout is a {@link TransientLockException}; a refused login, a missing
 * table or a missing permission a {@link LockException} saying what to do. Each call is one
 * statement; with autocommit off it is committed (or rolled back) before the connection goes back,
 * so no transaction stays open. The connection's settings are left as they were. No driver exception
 * type leaves this class (they are causes), and the password is never printed. {@link #close()}
 * closes the connection pool only when the provider built it for this lock.
 *
 * <p>On PostgreSQL each write also announces itself with {@code pg_notify} in the same statement,
 * for {@link WatchableJdbcLock}s in other processes.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public class JdbcLock extends AbstractResourceLock<Long> {

  final DataSource dataSource;
  final String table;
  private final String location;
  private final boolean createTable;
  final SqlErrors errors;
  private volatile JdbcDialect dialect;
  private volatile boolean tableReady;

  /**
   * A lock on a DataSource the caller owns; the lock never closes it. The table must exist (DDL in
   * the module's README, or {@link JdbcDialect#createTable}).
   *
   * @param dataSource where to connect; a pool whose acquisition timeout is at most {@code timeout}
   * @param table the table's name, such as {@value JdbcLockSettings#DEFAULT_TABLE}
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @param config the candidate's identity and event recorder
   * @param timeout the bound of every call
   */
  public JdbcLock(DataSource dataSource, String table, String namespace, String name, ResourceLockConfig config,
      Duration timeout) {
    this(dataSource, null, null, table, false, namespace, name, config, timeout, "the given DataSource",
        Optional.empty(), Optional.empty());
  }

  JdbcLock(DataSource dataSource, AutoCloseable ownedPool, JdbcDialect dialect, String table, boolean createTable,
      String namespace, String name, ResourceLockConfig config, Duration timeout, String location,
      Optional<String> user, Optional<String> password) {
    super(key(namespace, "namespace"), key(name, "name"), config, Objects.requireNonNull(timeout, "timeout"), ownedPool);
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.dialect = dialect;
    if (table == null || !JdbcLockSettings.validTable(table)) {
      throw new IllegalArgumentException("the JDBC lock's table must be a plain SQL name or schema.name; got '"
          + table + "'");
    }
    this.table = table;
    this.createTable = createTable;
    this.location = location;
    this.errors = new SqlErrors(describe(), "the database at " + location, table, user, password);
  }

  /**
   * Checks a namespace or name: 1 to 253 characters, no control characters, no blank at either end
   * (MySQL's collations ignore trailing blanks, so such names would not be told apart everywhere).
   */
  static String key(String value, String what) {
    if (value == null || value.isBlank() || value.length() > 253 || !value.strip().equals(value)
        || value.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("the JDBC lock's " + what + " must be 1 to 253 characters without control "
          + "characters or blanks at either end; got '" + value + "'");
    }
    return value;
  }

  @Override
  public synchronized ObservedRecord get() throws LockException {
    Row row = call("get", false, (c, deadline) -> {
      try (PreparedStatement s = c.prepareStatement("SELECT record, version FROM " + table
          + " WHERE namespace = ? AND name = ?")) {
        s.setQueryTimeout(deadline.queryTimeoutSeconds());
        s.setString(1, namespace());
        s.setString(2, name());
        try (ResultSet rs = s.executeQuery()) {
          if (!rs.next()) {
            return null;
          }
          byte[] bytes = rs.getBytes(1);
          return new Row(bytes == null ? new byte[0] : bytes, rs.getLong(2));
        }
      }
    });
    if (row == null) {
      throw new RecordNotFoundException(describe(), null);
    }
    // A corrupt row leaves no version (update() then refuses), even when it was written without a new version.
    return observe(row.bytes(), row.version());
  }

  @Override
  public synchronized void create(LeaderElectionRecord record) throws LockException {
    byte[] bytes = LeaderElectionRecordCodec.encode(record);
    call("create", true, (c, deadline) -> {
      String insert = "INSERT INTO " + table + " (namespace, name, record, version) VALUES (?, ?, ?, 1)";
      if (dialect == JdbcDialect.POSTGRESQL) {
        // One statement: the row and its announcement commit together.
        try (PreparedStatement s = c.prepareStatement("WITH w AS (" + insert + " RETURNING version) "
            + "SELECT pg_notify(?, ?) FROM w")) {
          s.setQueryTimeout(deadline.queryTimeoutSeconds());
          bind(s, bytes);
          s.setString(4, PgNotifications.channel(table));
          s.setString(5, PgNotifications.payload(1, namespace(), name(), bytes));
          s.executeQuery().close();
        }
      } else {
        try (PreparedStatement s = c.prepareStatement(insert)) {
          s.setQueryTimeout(deadline.queryTimeoutSeconds());
          bind(s, bytes);
          s.executeUpdate();
        }
      }
      return null;
    });
    remember(1L);
  }

  private void bind(PreparedStatement s, byte[] bytes) throws SQLException {
    s.setString(1, namespace());
    s.setString(2, name());
    s.setBytes(3, bytes);
  }

  @Override
  public synchronized void update(LeaderElectionRecord record) throws LockException {
    long expected = expectedVersion();
    byte[] bytes = LeaderElectionRecordCodec.encode(record);
    int updated = call("update", false, (c, deadline) -> {
      String update = "UPDATE " + table + " SET record = ?, version = version + 1"
          + " WHERE namespace = ? AND name = ? AND version = ?";
      if (dialect == JdbcDialect.POSTGRESQL) {
        try (PreparedStatement s = c.prepareStatement("WITH w AS (" + update + " RETURNING version) "
            + "SELECT pg_notify(?, ?) FROM w")) {
          s.setQueryTimeout(deadline.queryTimeoutSeconds());
          bindUpdate(s, bytes, expected);
          s.setString(5, PgNotifications.channel(table));
          s.setString(6, PgNotifications.payload(expected + 1, namespace(), name(), bytes));
          int rows = 0;
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              rows++;
            }
          }
          return rows;
        }
      }
      try (PreparedStatement s = c.prepareStatement(update)) {
        s.setQueryTimeout(deadline.queryTimeoutSeconds());
        bindUpdate(s, bytes, expected);
        return s.executeUpdate();
      }
    });
    if (updated == 0) {
      throw new UpdateConflictException(describe(), "the row in table " + table + " is no longer at version "
          + expected + ": it was written or deleted since", null);
    }
    remember(expected + 1);
  }

  private void bindUpdate(PreparedStatement s, byte[] bytes, long expected) throws SQLException {
    s.setBytes(1, bytes);
    s.setString(2, namespace());
    s.setString(3, name());
    s.setLong(4, expected);
  }

  @Override
  protected String backendHint() {
    return "jdbc table " + table + " at " + location;
  }

  /** The row's version, which every write of the record increments. */
  @Override
  protected OptionalLong revisionOf(Long version) {
    return OptionalLong.of(version);
  }

  /** The table this lock's row lives in. */
  public String table() {
    return table;
  }

  /**
   * The database's dialect, once known: given by the provider, or read from the first connection.
   *
   * @return the dialect, or empty before the first call
   */
  public Optional<JdbcDialect> dialect() {
    return Optional.ofNullable(dialect);
  }

  /** The delivery step of a watch on this lock's row, for {@link PgListener}. */
  Consumer<byte[]> watchDelivery(Consumer<ObservedRecord> listener) {
    return deliveryTo(listener);
  }

  // ---- one call: a connection, one statement, its end -----------------------------------------------

  /** A unit of work on a connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c, CallDeadline deadline) throws SQLException;
  }

  /**
   * Runs {@code work} on a connection of the DataSource within the timeout: commits it when
   * autocommit is off (rolls it back on failure), gives the connection back (discarding it after a
   * connection failure) and translates failures.
   */
  <T> T call(String what, boolean insert, Work<T> work) throws LockException {
    CallDeadline deadline = CallDeadline.start(timeout());
    Connection c = null;
    boolean discard = false;
    try {
      try {
        c = dataSource.getConnection();
      } catch (SQLException e) {
        throw failure(e, what, false, deadline);
      }
      deadline.guard(c);
      if (deadline.expired()) {
        throw errors.timedOut(what, timeout(), null);
      }
      prepare(c, deadline);
      boolean autoCommit = c.getAutoCommit();
      try {
        T result = work.run(c, deadline);
        if (!autoCommit) {
          c.commit();
        }
        return result;
      } catch (SQLException | RuntimeException e) {
        if (!autoCommit) {
          rollbackQuietly(c);
        }
        throw e;
      }
    } catch (SQLException e) {
      LockException failure = failure(e, what, insert, deadline);
      discard = failure instanceof TransientLockException;
      throw failure;
    } finally {
      deadline.close();
      if (c != null) {
        release(c, discard || deadline.aborted());
      }
    }
  }

  /** The typed outcome of a failure; a transient one past the deadline says it ran out of time. */
  private LockException failure(SQLException e, String what, boolean insert, CallDeadline deadline) {
    LockException translated = errors.translate(e, what, insert);
    return translated instanceof TransientLockException && deadline.expired()
        ? errors.timedOut(what, timeout(), e) : translated;
  }

  /** Learns the dialect from the connection, and creates the table when asked to, once. */
  private void prepare(Connection c, CallDeadline deadline) throws SQLException, LockException {
    if (dialect == null) {
      dialect = detect(c);
    }
    if (createTable && !tableReady) {
      createTable(c, dialect, table, deadline.queryTimeoutSeconds());
      tableReady = true;
    }
  }

  JdbcDialect detect(Connection c) throws SQLException, LockException {
    String product = c.getMetaData().getDatabaseProductName();
    return JdbcDialect.ofProductName(product).orElseThrow(() -> new LockException(describe(), "the database at "
        + location + " is " + product + "; the JDBC lock supports PostgreSQL, MySQL/MariaDB and H2", null));
  }

  /** Runs the dialect's CREATE TABLE IF NOT EXISTS; a table created meanwhile by someone else is fine. */
  static void createTable(Connection c, JdbcDialect dialect, String table, int timeoutSeconds) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(timeoutSeconds);
      s.execute(dialect.createTable(table));
      if (!autoCommit) {
        c.commit();
      }
    } catch (SQLException e) {
      if (!autoCommit) {
        rollbackQuietly(c);
      }
      // PostgreSQL: two sessions creating the same table at once collide on its type's name.
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      if (!(state.equals("42P07") || (dialect == JdbcDialect.POSTGRESQL && state.equals("23505")))) {
        throw e;
      }
    }
  }

  private void release(Connection c, boolean discard) {
    if (discard) {
      // A connection that failed or was aborted must not serve the next call.
      if (dataSource instanceof HikariDataSource hikari) {
        try {
          hikari.evictConnection(c);
          return;
        } catch (RuntimeException ignored) {
          // Fall through to abort and close.
        }
      }
      CallDeadline.abortQuietly(c);
    }
    try {
      c.close();
    } catch (SQLException | RuntimeException ignored) {
      // The pool handles a connection that failed to close.
    }
  }

  static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException | RuntimeException ignored) {
      // The connection is lost or closed: the server ends the transaction with it.
    }
  }

  private record Row(byte[] bytes, long version) {
  }
}
