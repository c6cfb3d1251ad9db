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
  RAW_RECORD,
  /**
   * The backend can delete the record around every lock ({@link LockConformanceSupport#deleteRecord}),
   * so the kit checks that an {@code update} after a delete is a conflict, never a re-create. Any
   * store can offer it; it needs no raw bytes.
   */
  DELETE_RECORD,
  /**
   * The kit can stall the store ({@link LockConformanceSupport#newStoreStall()}): from a moment on,
   * the calls of some locks get no answer at all, and the kit checks that each call still returns
   * within the lock's client timeout. A store reached over TCP offers it through
   * {@link StoreStall#throughProxy}, the kit's {@link dev.baton.testkit.fixture.TcpProxy} in front of
   * its endpoint; a store inside the JVM with no endpoint (the in-memory lock, H2) lacks it.
   */
  STALL
}
