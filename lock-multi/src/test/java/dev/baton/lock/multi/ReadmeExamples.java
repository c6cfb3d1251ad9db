package dev.baton.lock.multi;

import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;

/** The code of lock-multi/README.md, which shows the regions tagged here; {@link ReadmeExamplesTest} runs them. */
final class ReadmeExamples {
  private ReadmeExamples() {
  }

  static ResourceLock compositeType(String podName, ResourceLockOptions options) throws LockException {
    // tag::composite-type[]
    ResourceLock lock = ResourceLocks.newLock("configmaps-to-leases", "default", "my-app",
        ResourceLockConfig.of(podName), options);
    // end::composite-type[]
    return lock;
  }
}
