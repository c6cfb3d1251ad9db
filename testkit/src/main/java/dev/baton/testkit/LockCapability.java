package dev.baton.testkit;

import org.apiguardian.api.API;

/**
 * What a backend offers beyond the basic lock contract. A backend declares its capabilities in
 * {@link ResourceLockConformanceKit#capabilities()}; kit tests that need one it lacks are skipped
 * by assumption, and tests of a declared capability must pass.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public enum LockCapability {
  /**
   * The backend's locks implement {@link dev.baton.leaderelection.resourcelock.WatchableResourceLock}:
   * a follower learns of a release or a new holder at once.
   */
  WATCH,
  /**
   * {@link dev.baton.leaderelection.resourcelock.ResourceLock#revision()} reports the store's version
   * of the record, strictly increasing with every write (used for fencing tokens).
   */
  REVISION,
  /**
   * The store keeps the record as the bytes the lock wrote (etcd, ZooKeeper, a ConfigMap
   * annotation), so the backend can implement {@link LockConformanceSupport#plantRawRecord} and
   * {@link LockConformanceSupport#storedRawRecord} and the corrupt-record group applies. A Lease
   * stores structured fields instead and lacks it.
   */
  RAW_RECORD
}
