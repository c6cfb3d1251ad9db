/**
 * Kubernetes locks through fabric8: {@link dev.baton.lock.lease.LeaseLock} (type {@code leases}),
 * client-go's LeaseLock on a {@code coordination.k8s.io/v1} Lease, and
 * {@link dev.baton.lock.lease.ConfigMapLock} (type {@code configmaps}), the record in a ConfigMap
 * annotation as client-go's old ConfigMap lock kept it, for migrations.
 */
package dev.baton.lock.lease;
