/**
 * Auto-configuration of Baton's leader election from {@code baton.*} properties.
 *
 * <p>{@link dev.baton.spring.boot.autoconfigure.BatonAutoConfiguration} creates the lock named by
 * {@code baton.lock.type}, {@code baton.lock.namespace} and {@code baton.lock.name} through Baton's
 * {@code ResourceLocks} (so adding a lock module is all a backend takes), passes
 * {@code baton.settings.*} and any {@code KubernetesClient}, jetcd {@code Client} or
 * {@code CuratorFramework} bean to it, and runs the elector as a {@code SmartLifecycle}. The health,
 * info and metrics auto-configurations add the actuator's views of it when their libraries are
 * present. Bad configuration stops the start-up with a
 * {@link dev.baton.spring.boot.autoconfigure.BatonConfigurationException}, explained by
 * {@link dev.baton.spring.boot.autoconfigure.BatonFailureAnalyzer}.
 */
package dev.baton.spring.boot.autoconfigure;
