/**
 * The conformance kit: what every lock backend, Baton's own and third-party ones, runs to prove it
 * keeps the lock contract and that the elector works on it.
 *
 * <p>A backend's test extends {@link dev.baton.testkit.ResourceLockConformanceKit} and implements a
 * few hooks (make a lock; plant, read and delete a record around every lock; stall the store) and
 * declares its {@link dev.baton.testkit.LockCapability capabilities}; every group of the kit then runs
 * against it, and tests of capabilities it lacks are skipped by assumption. Each test that catches a
 * mistake backend authors make names the mistake when it fails, and a failing elector test reports
 * what the candidates' locks did ({@link dev.baton.testkit.LockCallLog}). The elector groups run on
 * a {@link dev.baton.testkit.TimeDriver}: virtual time ({@link dev.baton.testkit.VirtualElectionRuntime})
 * for locks that can, real time with short durations for real servers. A
 * {@link dev.baton.testkit.LeadershipHistory} fails a test when two terms overlap; a backend's own
 * failure tests start electors with {@link dev.baton.testkit.Candidates} and break them with
 * {@link dev.baton.testkit.FaultInjectingResourceLock} and the tools of {@code dev.baton.testkit.fixture}.
 */
package dev.baton.testkit;
