/**
 * The lock on a relational database through plain JDBC (lock type {@code jdbc}): one row per lock
 * in one table, keyed by namespace and name, holding the record's client-go JSON bytes as written
 * and a version that every write increments. Creating is an {@code INSERT} that the primary key
 * refuses a second time; updating is an {@code UPDATE} that compares the version this instance
 * last saw, and the version is the fencing source. PostgreSQL, MySQL/MariaDB and H2 are told apart
 * by the connection's metadata; on PostgreSQL, writes announce themselves with {@code pg_notify}
 * and {@link dev.baton.lock.jdbc.WatchableJdbcLock} listens for them. The provider takes a
 * ready-made {@link javax.sql.DataSource} or builds a small HikariCP pool from {@code jdbc.url}.
 */
package dev.baton.lock.jdbc;
