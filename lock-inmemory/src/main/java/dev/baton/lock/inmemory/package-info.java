/**
 * The reference lock: a leader election record kept in an {@link dev.baton.lock.inmemory.InMemoryLockStore}
 * inside one JVM, with exactly the rules a real backend keeps.
 *
 * <p>Candidates compete by sharing one store: pass the same store to each
 * {@link dev.baton.lock.inmemory.InMemoryResourceLock} (it polls, as client-go does) or
 * {@link dev.baton.lock.inmemory.WatchableInMemoryResourceLock} (followers see a release at once), or
 * obtain them as lock type {@code inmemory} through
 * {@link dev.baton.leaderelection.resourcelock.ResourceLocks#newLock}, which
 * {@link dev.baton.lock.inmemory.InMemoryResourceLockProvider} serves from a store shared by name.
 * The lock passes the whole conformance kit of {@code baton-testkit}, so a test of leader code on it
 * exercises the same contract as on etcd or a Kubernetes Lease, without a server and, with the kit's
 * virtual time, without waiting.
 *
 * <p>Because the store lives in one process, the lock can only elect among candidates of that
 * process: it is for tests and demonstrations, never for electing between processes.
 */
package dev.baton.lock.inmemory;
