package dev.baton.faults;

import dev.baton.leaderelection.LeaderCallbacks;
import dev.baton.leaderelection.LeaderContext;
import dev.baton.leaderelection.LeaderElectionConfig;
import dev.baton.leaderelection.LeaderElector;
import dev.baton.leaderelection.resourcelock.ForwardingResourceLock;
import dev.baton.leaderelection.resourcelock.ResourceLockConfig;
import dev.baton.leaderelection.resourcelock.ResourceLockOptions;
import dev.baton.leaderelection.resourcelock.ResourceLocks;
import dev.baton.lock.etcd.EtcdLockSettings;
import dev.baton.lock.zookeeper.ZooKeeperLockSettings;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * One candidate of the fault test, run as its own JVM so that the test can freeze, kill and cut it
 * off as production would: a {@link LeaderElector} on a real etcd or ZooKeeper lock whose leader
 * "acts" every 5 ms while {@link LeaderContext#isLeading()}, and logs every event on standard output
 * ({@link EventWriter}).
 *
 * <p>Arguments: {@code etcd|zookeeper HOST:PORT LOCK_NAME IDENTITY LEASE_MS RENEW_DEADLINE_MS RETRY_MS}.
 * When a run ends because leadership was lost, the candidate starts a new run, as a restarted pod
 * would. SIGTERM steps down (releasing the lock). The candidate exits when its standard input
 * closes, so it never outlives the test JVM that started it.
 */
public final class CandidateMain {
  /** The namespace of every fault-test lock. */
  static final String NAMESPACE = "faults";
  private static final long ACT_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private CandidateMain() {
  }

  /**
   * Runs the candidate until SIGTERM or the end of standard input.
   *
   * @param args backend, endpoint, lock name, identity, lease, renew deadline and retry period in ms
   * @throws Exception when the lock cannot be set up
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 7) {
      System.err.println("usage: CandidateMain etcd|zookeeper HOST:PORT LOCK_NAME IDENTITY LEASE_MS RENEW_DEADLINE_MS "
          + "RETRY_MS");
      System.exit(2);
    }
    String backend = args[0];
    String endpoint = args[1];
    String lockName = args[2];
    String identity = args[3];
    Duration lease = Duration.ofMillis(Long.parseLong(args[4]));
    Duration renewDeadline = Duration.ofMillis(Long.parseLong(args[5]));
    Duration retry = Duration.ofMillis(Long.parseLong(args[6]));

    EventWriter out = EventWriter.onStandardOutput();
    ResourceLockOptions.Builder options = ResourceLockOptions.builder().renewDeadline(renewDeadline);
    switch (backend) {
      case ResourceLocks.ETCD -> options.setting(EtcdLockSettings.ENDPOINTS, "http://" + endpoint);
      case ResourceLocks.ZOOKEEPER -> options.setting(ZooKeeperLockSettings.CONNECT, endpoint);
      default -> throw new IllegalArgumentException("backend must be etcd or zookeeper, was " + backend);
    }
    ForwardingResourceLock lock = LoggingResourceLock.wrap(ResourceLocks.newLock(backend, NAMESPACE, lockName,
        ResourceLockConfig.of(identity), options.build()), out);
    LeaderElector elector = new LeaderElector(LeaderElectionConfig.builder()
        .lock(lock)
        .leaseDuration(lease)
        .renewDeadline(renewDeadline)
        .retryPeriod(retry)
        .releaseOnCancel(true)
        .name(lockName)
        .callbacks(new Worker(out))
        .build());

    // A run may end (leadership lost) just as SIGTERM arrives: no new run starts once the hook began.
    Object runs = new Object();
    AtomicBoolean shuttingDown = new AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      synchronized (runs) {
        shuttingDown.set(true);
      }
      try {
        elector.stepDown().get(lease.toMillis() * 2, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
        System.err.println("step down did not finish: " + e);
      }
      try {
        lock.close();
      } catch (Exception e) {
        System.err.println("closing the lock failed: " + e);
      }
      out.exit();
    }, "candidate-shutdown"));
    exitWhenStandardInputCloses();

    out.ready();
    while (true) {
      CompletableFuture<Void> run;
      synchronized (runs) {
        if (shuttingDown.get()) {
          break;
        }
        run = elector.start();
      }
      run.join();
    }
  }

  /** The test JVM holds our stdin open; when it dies, the pipe closes and we go too. */
  private static void exitWhenStandardInputCloses() {
    Thread watcher = new Thread(() -> {
      InputStream in = System.in;
      try {
        while (in.read() >= 0) {
          // the test writes nothing; just wait for the end
        }
      } catch (IOException ignored) {
        // closed: same as the end
      }
      System.exit(0);
    }, "candidate-stdin-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  /** The leader's work: an action every 5 ms while the term is valid, each logged with the term's fencing token. */
  private static final class Worker implements LeaderCallbacks {
    private final EventWriter out;

    Worker(EventWriter out) {
      this.out = out;
    }

    @Override
    public void onStartedLeading(LeaderContext context) {
      long token = context.fencingToken();
      out.start(token);
      CompletableFuture<Void> cancelled = context.cancellation().toCompletableFuture();
      while (!cancelled.isDone()) {
        // The time is read before the check: an action logged at t was allowed by a check made at t or
        // later, so the checker never blames the elector for a pause between check and timestamp.
        long now = System.nanoTime();
        if (context.isLeading()) {
          out.act(token, now);
        }
        LockSupport.parkNanos(ACT_PERIOD_NANOS);
      }
      out.end(token);
    }

    @Override
    public void onStoppedLeading() {
      out.stop();
    }

    @Override
    public void onNewLeader(String identity) {
      out.leader(identity);
    }
  }
}
