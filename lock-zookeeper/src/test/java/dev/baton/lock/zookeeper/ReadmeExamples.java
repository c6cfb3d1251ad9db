package dev.baton.lock.zookeeper;

import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;

/** The code of lock-zookeeper/README.md, which shows the regions tagged here; {@link ReadmeExamplesTest} runs them. */
final class ReadmeExamples {
  private ReadmeExamples() {
  }

  static ResourceLock newLock(String hostname) throws LockException {
    // tag::new-lock[]
    ResourceLock lock = ResourceLocks.newLock("zookeeper", "payments", "scheduler", ResourceLockConfig.of(hostname),
        ResourceLockOptions.builder().setting("zookeeper.connect", "zk-0:2181,zk-1:2181,zk-2:2181").build());
    // end::new-lock[]
    return lock;
  }
}
