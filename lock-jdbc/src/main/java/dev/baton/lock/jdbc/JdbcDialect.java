package dev.baton.lock.jdbc;

import java.util.Locale;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * The databases the JDBC lock knows, with the table's DDL for each. The lock's reads and writes are
 * plain SQL that every one of them runs unchanged; the dialect decides the DDL, how errors are read
 * and whether writes are announced with {@code pg_notify} (PostgreSQL).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public enum JdbcDialect {
  /** PostgreSQL 12 or later (bytes as {@code BYTEA}); writes are announced with {@code pg_notify}. */
  POSTGRESQL("PostgreSQL"),
  /**
   * MySQL 8 or MariaDB 10.5 or later (bytes as {@code LONGBLOB}; names with a binary collation, so
   * that {@code App} and {@code app} are two locks).
   */
  MYSQL("MySQL/MariaDB"),
  /** H2 2.x, in-process or as a server (bytes as {@code BINARY VARYING}). */
  H2("H2");

  private final String displayName;

  JdbcDialect(String displayName) {
    this.displayName = displayName;
  }

  /** The name used in messages, such as {@code MySQL/MariaDB}. */
  public String displayName() {
    return displayName;
  }

  /**
   * The dialect of a database, from {@link java.sql.DatabaseMetaData#getDatabaseProductName()}.
   *
   * @param productName the product name the driver reports, such as {@code PostgreSQL},
   *     {@code MariaDB}, {@code MySQL} or {@code H2}
   * @return the dialect, or empty for a database the lock does not know
   */
  public static Optional<JdbcDialect> ofProductName(String productName) {
    String p = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
    if (p.contains("postgres")) {
      return Optional.of(POSTGRESQL);
    }
    if (p.contains("mariadb") || p.contains("mysql")) {
      return Optional.of(MYSQL);
    }
    if (p.equals("h2") || p.startsWith("h2 ")) {
      return Optional.of(H2);
    }
    return Optional.empty();
  }

  /**
   * The dialect a JDBC URL names, for a database that cannot be asked yet.
   *
   * @param url a JDBC URL such as {@code jdbc:postgresql://db:5432/app}
   * @return the dialect, or empty for another driver
   */
  public static Optional<JdbcDialect> ofUrl(String url) {
    String u = url == null ? "" : url.toLowerCase(Locale.ROOT);
    if (u.startsWith("jdbc:postgresql:")) {
      return Optional.of(POSTGRESQL);
    }
    if (u.startsWith("jdbc:mariadb:") || u.startsWith("jdbc:mysql:")) {
      return Optional.of(MYSQL);
    }
    if (u.startsWith("jdbc:h2:")) {
      return Optional.of(H2);
    }
    return Optional.empty();
  }

  /**
   * The statement that creates the lock's table when it does not exist yet.
   *
   * @param table the table's name, as {@link JdbcLockSettings#TABLE} allows it
   * @return one {@code CREATE TABLE IF NOT EXISTS} statement
   */
  public String createTable(String table) {
    return switch (this) {
      case POSTGRESQL -> "CREATE TABLE IF NOT EXISTS " + table + " ("
          + "namespace VARCHAR(253) NOT NULL, "
          + "name VARCHAR(253) NOT NULL, "
          + "record BYTEA NOT NULL, "
          + "version BIGINT NOT NULL, "
          + "PRIMARY KEY (namespace, name))";
      case MYSQL -> "CREATE TABLE IF NOT EXISTS " + table + " ("
          + "namespace VARCHAR(253) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, "
          + "name VARCHAR(253) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, "
          + "record LONGBLOB NOT NULL, "
          + "version BIGINT NOT NULL, "
          + "PRIMARY KEY (namespace, name)) ENGINE=InnoDB";
      case H2 -> "CREATE TABLE IF NOT EXISTS " + table + " ("
          + "namespace VARCHAR(253) NOT NULL, "
          + "name VARCHAR(253) NOT NULL, "
          + "record BINARY VARYING(1048576) NOT NULL, "
          + "version BIGINT NOT NULL, "
          + "PRIMARY KEY (namespace, name))";
    };
  }
}
