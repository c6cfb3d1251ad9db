/**
 * The leader elector, ported from client-go's {@code tools/leaderelection}.
 *
 * <p>A {@link dev.baton.leaderelection.LeaderElector} takes part in an election held on a
 * {@link dev.baton.leaderelection.resourcelock.ResourceLock}: it acquires the lock when it is free
 * or expired, renews it while it leads, and calls its
 * {@link dev.baton.leaderelection.LeaderCallbacks} as leadership comes and goes. Its configuration,
 * {@link dev.baton.leaderelection.LeaderElectionConfig}, is validated as client-go's. Time and
 * threads come from an {@link dev.baton.leaderelection.ElectionRuntime}, shared by every elector of
 * the JVM by default, built on the application's executors where it has them, and replaced by a
 * virtual-time runtime in tests. Each leadership term gets a
 * {@link dev.baton.leaderelection.LeaderContext} with a fencing token, cancelled the moment the term
 * ends. {@link dev.baton.leaderelection.LeaderHealthCheck} and
 * {@link dev.baton.leaderelection.LeaderMetrics} are the watchdog and metrics hooks.
 */
package dev.baton.leaderelection;
