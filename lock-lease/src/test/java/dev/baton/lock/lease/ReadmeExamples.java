package dev.baton.lock.lease;

import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;

/**
 * The code of lock-lease/README.md, which shows the regions tagged here. Compiled, not run: it
 * reads {@code POD_NAME} and the in-cluster configuration of a pod.
 */
final class ReadmeExamples {
  private ReadmeExamples() {
  }

  static ResourceLock inADeployment() throws LockException {
    // tag::deployment[]
    ResourceLock lock = ResourceLocks.newLock("leases", "payments", "scheduler",
        ResourceLockConfig.of(System.getenv("POD_NAME")), ResourceLockOptions.defaults());
    // end::deployment[]
    return lock;
  }
}
