/**
 * An adapter of the elector's {@link dev.baton.leaderelection.LeaderMetrics} to Micrometer, with
 * client-go's metric names. Micrometer is optional: this package is usable only when
 * {@code io.micrometer:micrometer-core} is on the class path, and nothing else in Baton needs it.
 */
package dev.baton.leaderelection.micrometer;
