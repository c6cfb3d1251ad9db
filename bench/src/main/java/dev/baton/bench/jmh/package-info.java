/** JMH benchmarks: the cost of a Baton lock call against the raw store call it wraps. */
package dev.baton.bench.jmh;
