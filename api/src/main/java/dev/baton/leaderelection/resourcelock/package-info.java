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
 */
package dev.baton.leaderelection.resourcelock;
