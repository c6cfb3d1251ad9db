package dev.baton.lock.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The simplest DataSource a user might give: one physical connection, handed out again and again
 * without any check, and replaced only once it is closed or aborted. The tests use it to know
 * exactly which server session a lock talks through (to kill it) and to run with autocommit off.
 */
final class OneConnectionDataSource implements DataSource {
  private final JdbcDatabase db;
  private final boolean autoCommit;
  private Connection physical;
  int connectionsOpened;

  OneConnectionDataSource(JdbcDatabase db, boolean autoCommit) {
    this.db = db;
    this.autoCommit = autoCommit;
  }

  /** The physical connection the next call will use (opened now if needed). */
  synchronized Connection physical() throws SQLException {
    if (physical == null || physical.isClosed()) {
      physical = db.connect();
      physical.setAutoCommit(autoCommit);
      connectionsOpened++;
    }
    return physical;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection c = physical();
    // close() gives it back (does nothing); everything else goes to the physical connection.
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          if (method.getName().equals("close")) {
            return null;
          }
          try {
            return method.invoke(c, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  synchronized void closePhysical() throws SQLException {
    if (physical != null) {
      physical.close();
    }
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
  }

  @Override
  public void setLoginTimeout(int seconds) {
  }

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
