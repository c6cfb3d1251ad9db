package dev.baton.lock.jdbc;

import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * The settings of the JDBC lock, read and checked from {@link ResourceLockOptions}.
 *
 * @param url the JDBC URL the provider builds its pool from; empty with a ready-made DataSource
 * @param user the database user, if any
 * @param password the password (never printed), if any
 * @param table the table's name, optionally schema-qualified
 * @param createTable whether the lock creates the table when it is missing
 * @param watch whether a lock on PostgreSQL listens for changes (LISTEN/NOTIFY)
 * @param timeout the bound of every call: max(1 s, renewDeadline / 2)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record JdbcLockSettings(Optional<String> url, Optional<String> user, Optional<String> password, String table,
    boolean createTable, boolean watch, Duration timeout) {

  /** The JDBC URL, such as {@code jdbc:postgresql://db:5432/app}; without credentials in it. */
  public static final String URL = "jdbc.url";
  /** The database user. */
  public static final String USER = "jdbc.user";
  /** The database password; never printed. */
  public static final String PASSWORD = "jdbc.password";
  /** The table's name, optionally {@code schema.table}; default {@value #DEFAULT_TABLE}. */
  public static final String TABLE = "jdbc.table";
  /** {@code true} to create the table when it is missing; default {@code false}. */
  public static final String CREATE_TABLE = "jdbc.createTable";
  /** {@code false} to poll instead of listening on PostgreSQL; default {@code true}. */
  public static final String WATCH = "jdbc.watch";
  /** The default table name. */
  public static final String DEFAULT_TABLE = "baton_leader_election";

  private static final List<String> KNOWN = List.of(URL, USER, PASSWORD, TABLE, CREATE_TABLE, WATCH);

  /** Every setting key the JDBC lock reads; {@code ResourceLocks.newLock} rejects others. */
  public static final java.util.Set<String> KEYS = java.util.Set.copyOf(KNOWN);
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)([?&;:]password=)[^&;]*");
  private static final Pattern URL_USER_INFO = Pattern.compile("^(jdbc:[a-z0-9]+://)[^/@?;]*:[^/@?;]*@",
      Pattern.CASE_INSENSITIVE);

  /** Checks the fields are present. */
  public JdbcLockSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Reads the settings; every problem is reported in one message naming the setting, the value
   * and the rule. A password is never echoed.
   *
   * @param options the lock options
   * @param dataSourceGiven whether a ready-made {@link javax.sql.DataSource} came with the options
   *     (then {@value #URL}, {@value #USER} and {@value #PASSWORD} must be absent)
   * @return the settings
   * @throws IllegalArgumentException when a setting is missing, unknown or invalid
   */
  public static JdbcLockSettings from(ResourceLockOptions options, boolean dataSourceGiven) {
    List<String> problems = new ArrayList<>();
    Optional<String> url = options.setting(URL).map(String::trim).filter(u -> !u.isEmpty());
    Optional<String> user = options.setting(USER).map(String::trim).filter(u -> !u.isEmpty());
    Optional<String> password = options.setting(PASSWORD);
    if (dataSourceGiven) {
      for (String key : List.of(URL, USER, PASSWORD)) {
        if (options.setting(key).isPresent()) {
          problems.add(key + " must not be given together with a ready-made javax.sql.DataSource: the DataSource "
              + "already says where and as whom to connect");
        }
      }
    } else if (url.isEmpty()) {
      problems.add(URL + " is missing: give a JDBC URL such as jdbc:postgresql://db:5432/app or "
          + "jdbc:mariadb://db:3306/app, or pass a ready-made javax.sql.DataSource in the options");
    } else {
      String u = url.get();
      if (!u.regionMatches(true, 0, "jdbc:", 0, 5)) {
        problems.add(URL + " '" + redactUrl(u) + "' must start with jdbc:, such as jdbc:postgresql://db:5432/app");
      } else if (URL_PASSWORD.matcher(u).find() || URL_USER_INFO.matcher(u).find()) {
        problems.add(URL + " '" + redactUrl(u) + "' must not carry a password: give it as " + PASSWORD
            + " (and the user as " + USER + ")");
      } else if (JdbcDialect.ofUrl(u).isEmpty()) {
        problems.add(URL + " '" + redactUrl(u) + "' names a database the JDBC lock does not know: use "
            + "jdbc:postgresql:, jdbc:mariadb:, jdbc:mysql: or jdbc:h2:");
      }
    }
    if (password.isPresent() && user.isEmpty() && !dataSourceGiven) {
      problems.add(PASSWORD + " was given without " + USER);
    }
    String table = options.setting(TABLE).map(String::trim).orElse(DEFAULT_TABLE);
    if (!validTable(table)) {
      problems.add(TABLE + " '" + table + "' must be a plain SQL name or schema.name: letters, digits and '_', "
          + "not starting with a digit, at most 63 characters each, such as " + DEFAULT_TABLE);
    }
    boolean createTable = bool(options, CREATE_TABLE, false, problems);
    boolean watch = bool(options, WATCH, true, problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid JDBC lock settings: " + String.join("; ", problems));
    }
    return new JdbcLockSettings(url, user, password, table, createTable, watch, options.clientTimeout());
  }

  /**
   * Whether a table name is one the lock accepts: {@code name} or {@code schema.name}, each an
   * unquoted SQL identifier of at most 63 characters.
   *
   * @param table the name
   * @return whether it is valid
   */
  public static boolean validTable(String table) {
    String[] parts = table.split("\\.", -1);
    if (parts.length > 2) {
      return false;
    }
    for (String part : parts) {
      if (!IDENTIFIER.matcher(part).matches()) {
        return false;
      }
    }
    return true;
  }

  private static boolean bool(ResourceLockOptions options, String key, boolean defaultValue, List<String> problems) {
    Optional<String> value = options.setting(key).map(v -> v.trim().toLowerCase(Locale.ROOT));
    if (value.isEmpty()) {
      return defaultValue;
    }
    if (!value.get().equals("true") && !value.get().equals("false")) {
      problems.add(key + " '" + options.setting(key).get() + "' must be true or false");
      return defaultValue;
    }
    return Boolean.parseBoolean(value.get());
  }

  /**
   * A JDBC URL with any password in it replaced by {@code ****}, for messages.
   *
   * @param url a JDBC URL
   * @return the URL without its password
   */
  public static String redactUrl(String url) {
    String u = URL_PASSWORD.matcher(url).replaceAll("$1****");
    return URL_USER_INFO.matcher(u).replaceAll("$1****@");
  }

  /** The dialect {@link #url()} names, if a URL is given. */
  public Optional<JdbcDialect> urlDialect() {
    return url.flatMap(JdbcDialect::ofUrl);
  }

  /** Everything but the password. */
  @Override
  public String toString() {
    return "JdbcLockSettings{url=" + url.map(JdbcLockSettings::redactUrl).orElse("(a given DataSource)")
        + user.map(u -> ", user=" + u).orElse("") + password.map(p -> ", password=****").orElse("")
        + ", table=" + table + ", createTable=" + createTable + ", watch=" + watch + ", timeout=" + timeout + "}";
  }
}
