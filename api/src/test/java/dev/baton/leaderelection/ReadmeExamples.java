package dev.baton.leaderelection;

import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The code of the repository's root README.md, which shows the regions tagged here. Compiled, not
 * run: it elects on a Kubernetes Lease as the pod {@code POD_NAME}, and blocks for the whole run.
 */
final class ReadmeExamples {
  private static final Logger log = LoggerFactory.getLogger(ReadmeExamples.class);

  private ReadmeExamples() {
  }

  static void electorIn15Lines() throws LockException, InterruptedException {
    // tag::elector[]
    ResourceLock lock = ResourceLocks.newLock(ResourceLocks.LEASES, "default", "my-app",
        ResourceLockConfig.of(System.getenv("POD_NAME")), ResourceLockOptions.defaults());
    LeaderElector elector = new LeaderElector(LeaderElectionConfig.builder()
        .lock(lock)                                  // defaults: 15 s lease, 10 s renew deadline, 2 s retry
        .releaseOnCancel(true)
        .callbacks(LeaderCallbacks.onStartedLeading(term -> {
              while (term.isLeading()) {             // false once the term's deadline passed, even right after a pause
                doLeaderWork(term.fencingToken(),    // an action already past its check is fenced by the token:
                    term.validFor());                // the store refuses lower tokens; bound the call by the time left
              }
            })
            .onStoppedLeading(() -> log.info("no longer leading"))
            .onNewLeader(id -> log.info("leader is now {}", id)))
        .build());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> elector.stepDown().join()));
    elector.run();                                   // blocks until leadership ends
    // end::elector[]
  }

  /** The leader's work: one action, fenced by the term's token and bounded by the time left in it. */
  private static void doLeaderWork(long fencingToken, Duration timeLeft) {
  }
}
