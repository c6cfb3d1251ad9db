/**
 * Baton's lock on a relational database through plain JDBC (lock type {@code jdbc}): PostgreSQL,
 * MySQL/MariaDB and H2, with a LISTEN/NOTIFY watch on PostgreSQL.
 */
module dev.baton.lock.jdbc {
  requires transitive dev.baton.api;
  requires transitive java.sql;
  requires com.zaxxer.hikari;
  requires org.slf4j;
  requires static org.postgresql.jdbc;
  requires static com.google.auto.service;

  exports dev.baton.lock.jdbc;

  provides dev.baton.leaderelection.resourcelock.ResourceLockProvider with dev.baton.lock.jdbc.JdbcLockProvider;
}
