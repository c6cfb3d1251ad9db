package dev.baton.lock.jdbc;

import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock.RecordWatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listening connection and one thread per DataSource and table, shared by every watch on them.
 * It listens on the table's channel, hands each announced write to the watches of its row, checks
 * the connection every so often, and after a break listens again and reads the rows of its watches,
 * delivering those that changed meanwhile. It stops with its last watch.
 */
final class PgListener implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(PgListener.class);

  /** How long one wait for notifications lasts; also how soon the thread notices it should stop. */
  private static final int POLL_MILLIS = 250;
  private static final long UNKNOWN = -1;
  private static final long ABSENT = 0;
  private static final Executor DIRECT = Runnable::run;

  private static final Map<Key, PgListener> LISTENERS = new HashMap<>();

  private final Key key;
  private final DataSource dataSource;
  private final String table;
  private final String channel;
  private final Duration timeout;
  private final String where;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean stopped;

  // Owned by the listening thread once it runs.
  private Connection connection;
  private PGConnection pg;
  private int savedNetworkTimeout;
  private boolean savedAutoCommit;

  private PgListener(Key key, JdbcLock lock) {
    this.key = key;
    this.dataSource = lock.dataSource;
    this.table = lock.table;
    this.channel = key.channel();
    this.timeout = lock.clientTimeout().orElseThrow();
    this.where = "table " + lock.table;
    this.thread = new Thread(this, "baton-jdbc-listen-" + channel);
    thread.setDaemon(true);
  }

  /** The DataSource by identity, and the channel. */
  private record Key(IdentityOf dataSource, String channel) {
  }

  /** Compares an object by identity (a DataSource may define equals otherwise). */
  private record IdentityOf(Object value) {
    @Override
    public boolean equals(Object o) {
      return o instanceof IdentityOf other && other.value == value;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(value);
    }
  }

  /**
   * Starts a watch of {@code lock}'s row: returns once the channel is listened to and the row's
   * current version is known, so every later write is delivered.
   */
  static RecordWatch subscribe(JdbcLock lock, Consumer<ObservedRecord> listener) throws LockException {
    Key key = new Key(new IdentityOf(lock.dataSource), PgNotifications.channel(lock.table));
    Subscription subscription;
    synchronized (LISTENERS) {
      PgListener l = LISTENERS.get(key);
      if (l == null) {
        l = new PgListener(key, lock);
        l.connectFirst(lock);
        LISTENERS.put(key, l);
        l.thread.start();
      }
      subscription = new Subscription(l, lock.namespace(), lock.name(), lock.watchDelivery(listener));
      l.subscriptions.add(subscription);
    }
    try {
      subscription.anchor(lock.call("watch", false, (c, deadline) -> {
        try (PreparedStatement s = c.prepareStatement("SELECT version FROM " + lock.table
            + " WHERE namespace = ? AND name = ?")) {
          s.setQueryTimeout(deadline.queryTimeoutSeconds());
          s.setString(1, lock.namespace());
          s.setString(2, lock.name());
          try (ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getLong(1) : ABSENT;
          }
        }
      }));
    } catch (LockException | RuntimeException e) {
      subscription.close();
      throw e;
    }
    return subscription;
  }

  /** The first connection is made by the first watch, so that it fails when the database cannot be reached. */
  private void connectFirst(JdbcLock lock) throws LockException {
    CallDeadline deadline = CallDeadline.start(timeout);
    try {
      connect(deadline);
    } catch (SQLException e) {
      dropConnection();
      throw deadline.expired() ? lock.errors.timedOut("watch", timeout, e) : lock.errors.translate(e, "watch", false);
    } finally {
      deadline.close();
    }
  }

  private void connect(CallDeadline deadline) throws SQLException {
    Connection c = dataSource.getConnection();
    connection = c;
    if (deadline != null) {
      deadline.guard(c);
    }
    savedNetworkTimeout = c.getNetworkTimeout();
    savedAutoCommit = c.getAutoCommit();
    // Notifications arrive only outside a transaction, and every read here must be bounded.
    c.setAutoCommit(true);
    c.setNetworkTimeout(DIRECT, (int) Math.max(1, timeout.toMillis()));
    pg = c.unwrap(PGConnection.class);
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(queryTimeoutSeconds());
      s.execute("LISTEN \"" + channel + "\"");
    }
  }

  private int queryTimeoutSeconds() {
    return (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
  }

  @Override
  public void run() {
    long probeEvery = Math.max(1_000, timeout.toMillis());
    long nextProbe = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(probeEvery);
    long retryMillis = 100;
    while (!stopped) {
      try {
        if (connection == null) {
          connect(null);
          resync();
          retryMillis = 100;
        }
        PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
        if (notifications != null) {
          for (PGNotification n : notifications) {
            if (channel.equals(n.getName())) {
              dispatch(n.getParameter());
            }
          }
        }
        if (System.nanoTime() - nextProbe >= 0) {
          // A dead network delivers nothing and reports nothing: ask the server.
          try (Statement s = connection.createStatement()) {
            s.setQueryTimeout(queryTimeoutSeconds());
            s.execute("SELECT 1");
          }
          nextProbe = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(probeEvery);
        }
      } catch (SQLException | RuntimeException e) {
        if (stopped) {
          break;
        }
        if (dataSource instanceof com.zaxxer.hikari.HikariDataSource pool && pool.isClosed()) {
          LOG.debug("{}: the pool of the watched lock is closed; watches on it end", where);
          break;
        }
        LOG.debug("listening on {} for {} broke ({}); listening again in {} ms", channel, where, e.toString(),
            retryMillis);
        dropConnection();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(retryMillis));
        retryMillis = Math.min(Math.max(1_000, timeout.toMillis()), retryMillis * 2);
      }
    }
    closeConnection();
  }

  /** Hands an announced write to the watches of its row; a write too large to announce is read. */
  private void dispatch(String payload) throws SQLException {
    Optional<PgNotifications.Write> parsed = PgNotifications.parse(payload);
    if (parsed.isEmpty()) {
      LOG.debug("ignoring a notification on {} that is not Baton's: {}", channel, payload);
      return;
    }
    PgNotifications.Write w = parsed.get();
    for (Subscription s : subscriptions) {
      if (s.namespace.equals(w.namespace()) && s.name.equals(w.name())) {
        if (w.record().isPresent()) {
          s.offer(w.version(), w.record().get());
        } else {
          readAndOffer(s);
        }
      }
    }
  }

  /** After (re)connecting: reads each watched row and delivers what changed while nobody listened. */
  private void resync() throws SQLException {
    for (Subscription s : subscriptions) {
      readAndOffer(s);
    }
  }

  private void readAndOffer(Subscription s) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement("SELECT record, version FROM " + table
        + " WHERE namespace = ? AND name = ?")) {
      st.setQueryTimeout(queryTimeoutSeconds());
      st.setString(1, s.namespace);
      st.setString(2, s.name);
      try (ResultSet rs = st.executeQuery()) {
        if (rs.next()) {
          s.offer(rs.getLong(2), rs.getBytes(1));
        } else {
          s.offer(ABSENT, null);
        }
      }
    }
  }

  private void dropConnection() {
    Connection c = connection;
    connection = null;
    pg = null;
    if (c != null) {
      CallDeadline.abortQuietly(c);
      try {
        c.close();
      } catch (SQLException | RuntimeException ignored) {
        // Lost anyway.
      }
    }
  }

  /** Leaves the connection as it was found and gives it back. */
  private void closeConnection() {
    Connection c = connection;
    connection = null;
    pg = null;
    if (c == null) {
      return;
    }
    try (Statement s = c.createStatement()) {
      s.setQueryTimeout(queryTimeoutSeconds());
      s.execute("UNLISTEN \"" + channel + "\"");
      c.setNetworkTimeout(DIRECT, savedNetworkTimeout);
      c.setAutoCommit(savedAutoCommit);
      c.close();
    } catch (SQLException | RuntimeException e) {
      dropConnection(c);
    }
  }

  private static void dropConnection(Connection c) {
    CallDeadline.abortQuietly(c);
    try {
      c.close();
    } catch (SQLException | RuntimeException ignored) {
      // Lost anyway.
    }
  }

  private void unsubscribe(Subscription s) {
    synchronized (LISTENERS) {
      subscriptions.remove(s);
      if (subscriptions.isEmpty() && LISTENERS.get(key) == this) {
        LISTENERS.remove(key);
        stopped = true;
      }
    }
  }

  /** One watch: the row it follows, its listener, and the version it delivered last. */
  private static final class Subscription implements RecordWatch {
    private final PgListener owner;
    final String namespace;
    final String name;
    private final Consumer<byte[]> delivery;
    private long last = UNKNOWN;
    private volatile boolean closed;

    Subscription(PgListener owner, String namespace, String name, Consumer<byte[]> delivery) {
      this.owner = owner;
      this.namespace = namespace;
      this.name = name;
      this.delivery = delivery;
    }

    /** The version the watch starts from, unless a write was delivered already. */
    synchronized void anchor(long version) {
      if (last == UNKNOWN) {
        last = version;
      }
    }

    /** Delivers the row at {@code version} ({@code null} bytes: no row) unless it is the one delivered last. */
    void offer(long version, byte[] bytes) {
      synchronized (this) {
        if (closed || version == last) {
          return;
        }
        last = version;
      }
      delivery.accept(bytes);
    }

    @Override
    public void close() {
      closed = true;
      owner.unsubscribe(this);
    }
  }
}
