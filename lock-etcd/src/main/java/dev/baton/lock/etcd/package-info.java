/**
 * The lock on etcd through jetcd (lock type {@code etcd}): the record stored as its client-go JSON
 * encoding under {@code <prefix>/<namespace>/<name>}, created and updated by transactions that
 * compare the key's revisions, watched for changes, with the key's mod revision as fencing source.
 */
package dev.baton.lock.etcd;
