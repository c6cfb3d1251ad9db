/**
 * Baton's benchmark harness: end-to-end election figures (handover, failover, request cost, scale)
 * on every backend, and JMH benchmarks of lock calls. Run by {@code bench/run.sh}; results go to
 * {@code BENCHMARKS.md}.
 */
package dev.baton.bench;
