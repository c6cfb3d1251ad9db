/**
 * The lock contract, ported from client-go's {@code tools/leaderelection/resourcelock}.
 *
 * <p>A {@link dev.baton.leaderelection.resourcelock.ResourceLock} stores one
 * {@link dev.baton.leaderelection.resourcelock.LeaderElectionRecord} in a coordination store and
 * offers exactly what the elector needs: read it with its raw bytes, create it when absent, and
 * replace it by compare-and-set. Outcomes the elector must tell apart are typed exceptions under
 * {@link dev.baton.leaderelection.resourcelock.LockException}: not found, already exists, conflict,
 * corrupt record and transient failure.
 *
 * <p>Backends live in their own modules and are found by name through
 * {@link java.util.ServiceLoader}: {@link dev.baton.leaderelection.resourcelock.ResourceLocks#newLock}
 * asks each {@link dev.baton.leaderelection.resourcelock.ResourceLockProvider} for the type it serves
 * and tells the user which Maven artifact to add when a built-in type is missing. The record's JSON
 * form, {@link dev.baton.leaderelection.resourcelock.LeaderElectionRecordCodec}, is byte-compatible
 * with client-go's, so Baton and Go candidates can read each other's records.
 *
 * <p>Backend authors extend {@link dev.baton.leaderelection.resourcelock.AbstractResourceLock}: it
 * keeps what every lock shares (identity and description, events, the compare-and-set version and
 * the fencing revision, the client timeout, closing a client only when the lock made it, and the
 * delivery step of a watch), so that a backend is a thin translation of get, create and update
 * into its store. {@link dev.baton.leaderelection.resourcelock.ForwardingResourceLock} wraps any
 * lock to count, log or fail its calls. A lock reports the bound of its calls
 * ({@link dev.baton.leaderelection.resourcelock.ResourceLock#clientTimeout()}); locks built by
 * {@link dev.baton.leaderelection.resourcelock.ResourceLocks#newLock} derive it from the renew
 * deadline in their {@link dev.baton.leaderelection.resourcelock.ResourceLockOptions} by client-go's
 * rule, max(1 s, renewDeadline / 2), and the elector warns when it is not below its renewDeadline.
 */
package dev.baton.leaderelection.resourcelock;
