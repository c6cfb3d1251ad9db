package dev.baton.lock.etcd;

import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;

/** The code of lock-etcd/README.md, which shows the regions tagged here; {@link ReadmeExamplesTest} runs them. */
final class ReadmeExamples {
  private ReadmeExamples() {
  }

  static ResourceLock newLock(String hostname) throws LockException {
    // tag::new-lock[]
    ResourceLock lock = ResourceLocks.newLock("etcd", "payments", "scheduler", ResourceLockConfig.of(hostname),
        ResourceLockOptions.builder().setting("etcd.endpoints", "http://etcd-0:2379,http://etcd-1:2379").build());
    // end::new-lock[]
    return lock;
  }
}
