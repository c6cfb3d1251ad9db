/**
 * MultiLock: an election held on two locks at once while it migrates from a primary lock to a
 * secondary one (client-go's {@code resourcelock.MultiLock}), and the provider of the composite lock
 * types {@code PRIMARY-to-SECONDARY}, such as {@code configmaps-to-leases}.
 */
package dev.baton.lock.multi;
