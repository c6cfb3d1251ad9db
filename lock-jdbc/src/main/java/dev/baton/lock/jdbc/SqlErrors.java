package dev.baton.lock.jdbc;

import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.RecordAlreadyExistsException;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import dev.baton.leaderelection.resourcelock.UpdateConflictException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLNonTransientException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns {@link SQLException}s into the api's typed outcomes, by SQLState (and the vendor code where
 * a database has no distinct state), with messages that say what to do. The password is never in a
 * message: every driver text is scrubbed of it.
 */
final class SqlErrors {
  private final String lock;
  private final String where;
  private final String table;
  private final Optional<String> user;
  private final Optional<String> password;

  /**
   * @param lock the lock's describe()
   * @param where the database, for messages ("the database at jdbc:postgresql://db/app")
   * @param table the table
   * @param user the user, if known
   * @param password the password to scrub from driver messages, if any
   */
  SqlErrors(String lock, String where, String table, Optional<String> user, Optional<String> password) {
    this.lock = lock;
    this.where = where;
    this.table = table;
    this.user = user;
    this.password = password.filter(p -> !p.isEmpty());
  }

  /** The call ran out of time; the deadline aborted its connection, if it had one. */
  TransientLockException timedOut(String what, Duration timeout, Throwable cause) {
    return new TransientLockException(lock, where + " did not answer the " + what + " within " + timeout
        + (cause == null ? "" : " (" + detail(cause) + ")"), scrubbed(cause));
  }

  /**
   * The outcome of a failed call.
   *
   * @param e the driver's (or pool's) exception
   * @param what the call, such as {@code update}
   * @param insert whether the call inserts the row (a constraint violation means already-exists)
   * @return the typed exception
   */
  LockException translate(SQLException e, String what, boolean insert) {
    List<SQLException> chain = chain(e);
    String detail = detail(e);
    Throwable cause = scrubbed(e);
    if (insert && any(chain, s -> state(s).startsWith("23"))) {
      return new RecordAlreadyExistsException(lock, cause);
    }
    if (what.equals("update") && any(chain, s -> state(s).equals("40001") || state(s).equals("40P01")
        || s.getErrorCode() == 1213)) {
      return new UpdateConflictException(lock, "the database reported a concurrent write: " + detail, cause);
    }
    if (any(chain, s -> state(s).startsWith("28") || s.getErrorCode() == 1045)) {
      return new LockException(lock, where + " refused the login" + user.map(u -> " of user '" + u + "'").orElse("")
          + ": " + detail + "; check jdbc.user and jdbc.password (or the DataSource's credentials)", cause);
    }
    if (any(chain, s -> state(s).equals("42P01") || state(s).equals("42S02") || s.getErrorCode() == 1146
        || s.getErrorCode() == 42102 || s.getErrorCode() == 42103 || s.getErrorCode() == 42104)) {
      return new LockException(lock, "table " + table + " does not exist in " + where + "; create it with the DDL in "
          + "lock-jdbc/README.md or set jdbc.createTable=true (" + detail + ")", cause);
    }
    if (any(chain, s -> state(s).equals("3D000") || s.getErrorCode() == 1049 || s.getErrorCode() == 90146)) {
      return new LockException(lock, "the database named in the URL does not exist at " + where + ": " + detail
          + "; check jdbc.url", cause);
    }
    if (any(chain, s -> state(s).equals("42501") || s.getErrorCode() == 1142 || s.getErrorCode() == 1044
        || s.getErrorCode() == 90096)) {
      return new LockException(lock, where + " does not allow the " + what + " on table " + table
          + user.map(u -> " to user '" + u + "'").orElse("") + ": " + detail + "; grant SELECT, INSERT and UPDATE on "
          + table + " (and CREATE in its schema for jdbc.createTable=true)", cause);
    }
    if (isTransient(e, chain)) {
      return new TransientLockException(lock, where + " failed the " + what + ": " + detail, cause);
    }
    return new LockException(lock, where + " rejected the " + what + ": " + detail, cause);
  }

  /** A lost or refused connection, a timeout, a cancelled query, an overloaded or restarting server. */
  private static boolean isTransient(SQLException e, List<SQLException> chain) {
    for (SQLException s : chain) {
      String state = state(s);
      if (state.startsWith("08") || state.startsWith("40") || state.startsWith("53") || state.startsWith("57")
          || state.startsWith("58") || state.startsWith("HYT") || state.equals("55P03") || state.equals("70100")
          || state.equals("HY008")) {
        return true;
      }
      if (s instanceof SQLTransientException || s instanceof SQLRecoverableException || s instanceof SQLTimeoutException
          || s instanceof SQLNonTransientConnectionException) {
        return true;
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    // A syntax or data error is a bug or a wrong table, not worth retrying; anything else may pass.
    return !(e instanceof SQLNonTransientException) && chain.stream().noneMatch(s -> state(s).startsWith("42")
        || state(s).startsWith("22") || state(s).startsWith("0A"));
  }

  private interface Test {
    boolean on(SQLException s);
  }

  private static boolean any(List<SQLException> chain, Test test) {
    for (SQLException s : chain) {
      if (test.on(s)) {
        return true;
      }
    }
    return false;
  }

  private static String state(SQLException s) {
    return s.getSQLState() == null ? "" : s.getSQLState();
  }

  /** The exception, its causes and its next exceptions, each once. */
  private static List<SQLException> chain(SQLException e) {
    List<SQLException> out = new ArrayList<>();
    Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    List<Throwable> todo = new ArrayList<>(List.of(e));
    while (!todo.isEmpty() && out.size() < 20) {
      Throwable t = todo.remove(0);
      if (t == null || !seen.add(t)) {
        continue;
      }
      if (t instanceof SQLException s) {
        out.add(s);
        todo.add(s.getNextException());
      }
      todo.add(t.getCause());
    }
    return out;
  }

  /** The distinct messages of the exception and its causes, scrubbed of the password. */
  String detail(Throwable e) {
    Set<String> messages = new LinkedHashSet<>();
    Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = e; t != null && seen.add(t) && messages.size() < 4; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && !m.isBlank()) {
        String line = m.strip().replace('\n', ' ');
        if (messages.stream().noneMatch(seenMessage -> seenMessage.contains(line))) {
          messages.add(line);
        }
      }
    }
    return scrub(messages.isEmpty() ? e.getClass().getSimpleName() : String.join(": ", messages));
  }

  /** {@code text} with the password replaced by {@code ****}. */
  String scrub(String text) {
    return password.map(p -> text.replace(p, "****")).orElse(text);
  }

  /**
   * The cause to attach: the driver's exception itself, unless its text holds the password, in which
   * case a plain exception with the scrubbed text replaces it.
   */
  private Throwable scrubbed(Throwable cause) {
    if (cause == null || password.isEmpty()) {
      return cause;
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if ((t.getMessage() != null && t.getMessage().contains(password.get()))
          || t.toString().contains(password.get())) {
        SQLException clean = new SQLException(cause.getClass().getName() + ": " + detail(cause),
            cause instanceof SQLException s ? s.getSQLState() : null);
        clean.setStackTrace(cause.getStackTrace());
        return clean;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return cause;
  }
}
