/**
 * The lock on ZooKeeper through Curator (lock type {@code zookeeper}): the record stored as its
 * client-go JSON encoding in a persistent znode {@code <root>/<namespace>/<name>}, created once and
 * updated with versioned {@code setData}, watched for changes, with the node's modification zxid as
 * fencing source. Leadership does not depend on the ZooKeeper session.
 */
package dev.baton.lock.zookeeper;
