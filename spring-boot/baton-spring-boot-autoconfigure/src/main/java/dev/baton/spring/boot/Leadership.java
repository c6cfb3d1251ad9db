package dev.baton.spring.boot;

import dev.baton.leaderelection.IdentityConflictException;
import dev.baton.leaderelection.LeaderCallbacks;
import dev.baton.leaderelection.LeaderContext;
import dev.baton.leaderelection.LeaderElectionConfig;
import dev.baton.leaderelection.LeaderElector;
import dev.baton.leaderelection.LeaderHealthCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * The application's part in one leader election: a {@link LeaderElector} that starts with the
 * application context and steps down when it closes. The auto-configuration creates one from the
 * {@code baton.*} properties; inject it to ask whether this instance leads, to read the current term
 * (its fencing token and how long it is still valid), or to run work only while leading.
 *
 * <p>While this instance leads, in this order:
 * <ol>
 *   <li>each {@link LeaderLifecycle} bean's {@link LeaderLifecycle#startLeading} runs (in
 *       {@link org.springframework.core.annotation.Order @Order}), then a
 *       {@link LeadershipGrantedEvent} is published;</li>
 *   <li>when the term ends (lost, stepped down, or the application stops), a
 *       {@link LeadershipRevokedEvent} is published, each {@link LeaderLifecycle#stopLeading} runs in
 *       reverse order, and runs of {@link #runIfLeading} still going are waited for (at most
 *       leaseDuration); only then does the elector release the lock (on shutdown and step-down).</li>
 * </ol>
 * So leader work has stopped before another instance can take over after a release. Listeners and
 * lifecycles run on the elector's callback thread and must return quickly; start long work on your
 * own threads and stop it in {@link LeaderLifecycle#stopLeading} or on the revoked event.
 *
 * <p>After losing leadership (a renewal failed for renewDeadline, or another holder was found),
 * this instance takes part again at once, as a follower. A second live process with the same
 * identity ends the election for this instance: {@link #failure()} says so and the health
 * contributor reports DOWN.
 *
 * <p>As a {@link SmartLifecycle} it starts in phase {@link #PHASE}: after the web server, before
 * lifecycles of the default phase (so it stops after those and before the web server's graceful
 * shutdown). Stopping steps down when {@code baton.release-on-shutdown} is true (the default): the
 * lock is released once the leader work has stopped, and a watching follower takes over within
 * milliseconds.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public class Leadership implements SmartLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  /**
   * The lifecycle phase: {@link SmartLifecycle#DEFAULT_PHASE} - 512, between the web server's
   * graceful shutdown (DEFAULT_PHASE - 1024) and lifecycles of the default phase.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

  private final LeaderElector elector;
  private final LeaderHealthCheck watchdog;
  private final ApplicationEventPublisher events;
  private final Supplier<List<LeaderLifecycle>> lifecycles;
  private final boolean releaseOnShutdown;
  private final Duration leaseDuration;
  private final Duration renewDeadline;

  private final Object workMonitor = new Object();
  private int workInFlight;

  private volatile LeaderContext term;
  private volatile boolean running;
  private volatile Throwable failure;
  private volatile long stopStartedNanos;
  private boolean rejoinLater;
  private CompletableFuture<Void> currentRun = CompletableFuture.completedFuture(null);

  /**
   * Creates the election; {@link #start()} begins it.
   *
   * @param config the elector's configuration without callbacks (this object supplies them)
   * @param watchdog the health check the configuration's watchdog is set to
   * @param events where {@link LeadershipGrantedEvent} and {@link LeadershipRevokedEvent} go
   * @param lifecycles the {@link LeaderLifecycle}s to start on each grant, in order; asked at each grant
   * @param releaseOnShutdown whether {@link #stop()} releases the lock (step down) or only stops
   * @throws IllegalArgumentException listing every invalid setting, from {@link LeaderElectionConfig.Builder#build()}
   */
  public Leadership(LeaderElectionConfig.Builder config, LeaderHealthCheck watchdog, ApplicationEventPublisher events,
      Supplier<List<LeaderLifecycle>> lifecycles, boolean releaseOnShutdown) {
    this.watchdog = Objects.requireNonNull(watchdog, "watchdog");
    this.events = Objects.requireNonNull(events, "events");
    this.lifecycles = Objects.requireNonNull(lifecycles, "lifecycles");
    this.releaseOnShutdown = releaseOnShutdown;
    LeaderElectionConfig built = config.callbacks(new Callbacks()).watchdog(watchdog).build();
    this.leaseDuration = built.leaseDuration();
    this.renewDeadline = built.renewDeadline();
    this.elector = new LeaderElector(built);
  }

  /** This candidate's identity, as written into the lock record when it leads. */
  public String identity() {
    return elector.config().lock().identity();
  }

  /** The lock the election is held on, as {@code ResourceLock.describe()}. */
  public String lockDescription() {
    return elector.config().lock().describe();
  }

  /** The election's name, used in metrics: {@code namespace/name} of the lock. */
  public String name() {
    return elector.config().name();
  }

  /**
   * Whether this instance leads now: a term is going on and its validity deadline has not passed
   * ({@link LeaderContext#isLeading()}, computed at each call).
   */
  public boolean isLeader() {
    LeaderContext t = term;
    return t != null && t.isLeading();
  }

  /**
   * The current term while this instance leads: its fencing token, {@link LeaderContext#validFor()}
   * and cancellation.
   *
   * @return the term, or empty when this instance does not lead
   */
  public Optional<LeaderContext> currentTerm() {
    LeaderContext t = term;
    return t != null && t.isLeading() ? Optional.of(t) : Optional.empty();
  }

  /** The holder of the lock as last observed, {@code ""} when none is known or it was released. */
  public String leader() {
    return elector.getLeader();
  }

  /** The elector, for what this class does not offer. */
  public LeaderElector elector() {
    return elector;
  }

  /** The watchdog: a problem when this instance believes it leads but its renewals stopped. */
  public LeaderHealthCheck watchdog() {
    return watchdog;
  }

  /**
   * Why this instance no longer takes part in the election although the application runs: an
   * {@link IdentityConflictException} when another live process uses the same identity.
   *
   * @return the failure, or empty
   */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /** The renew deadline: a term is valid until its last renewal's start plus this. */
  public Duration renewDeadline() {
    return renewDeadline;
  }

  /**
   * Runs {@code work} on this thread if this instance leads now, and makes the end of the term wait
   * for it: the lock is released on shutdown or step-down only after every run that passed its
   * check has returned (waiting at most leaseDuration). {@code @LeaderScheduled} methods run
   * through this.
   *
   * <p>The check is made right before the run; a run that is past its check when the term ends
   * goes on (the term's fencing token is for writes that must be refused then).
   *
   * @param work what to run
   * @return whether it ran
   */
  public boolean runIfLeading(Runnable work) {
    synchronized (workMonitor) {
      workInFlight++;
    }
    try {
      if (!isLeader()) {
        return false;
      }
      work.run();
      return true;
    } finally {
      synchronized (workMonitor) {
        if (--workInFlight == 0) {
          workMonitor.notifyAll();
        }
      }
    }
  }

  /**
   * Gives leadership up now (releasing the lock once the leader work stopped) and takes part again
   * as a candidate after leaseDuration, which leaves the other candidates time to take over.
   * Nothing happens when this instance does not lead.
   *
   * @return completes when the lock was released
   */
  public CompletableFuture<Void> stepDown() {
    synchronized (this) {
      if (!isLeader()) {
        return CompletableFuture.completedFuture(null);
      }
      rejoinLater = true;
    }
    LOG.info("{}: stepping down on request; taking part again in {}", identity(), leaseDuration);
    return elector.stepDown();
  }

  // ---- SmartLifecycle ----------------------------------------------------------------------

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    failure = null;
    // After a stop, the previous run may still be ending: its end starts the next one.
    if (currentRun.isDone()) {
      startRun();
    }
  }

  private synchronized void startRun() {
    if (!running || !currentRun.isDone()) {
      return;
    }
    CompletableFuture<Void> run = elector.start();
    currentRun = run;
    run.whenComplete((ignored, error) -> onRunEnded(error));
  }

  private void onRunEnded(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    Duration delay;
    synchronized (this) {
      if (!running) {
        return;
      }
      if (cause instanceof IdentityConflictException) {
        failure = cause;
        LOG.error("{}: leaving the election on {}: {}. Give each instance its own baton.identity "
            + "(the default is the POD_NAME or HOSTNAME environment variable, else host name and process id)",
            identity(), lockDescription(), cause.getMessage());
        return;
      }
      if (cause != null) {
        LOG.warn("{}: the election run on {} ended with {}; taking part again", identity(), lockDescription(),
            cause.toString());
      }
      delay = rejoinLater ? leaseDuration : Duration.ZERO;
      rejoinLater = false;
    }
    CompletableFuture.runAsync(this::startRun,
        CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS));
  }

  @Override
  public void stop() {
    stop(() -> { });
  }

  /**
   * Ends this instance's part in the election: steps down (releasing the lock after the leader work
   * stopped) when release on shutdown is on, else only stops; {@code callback} runs when done. The
   * context waits for it at most {@code spring.lifecycle.timeout-per-shutdown-phase}.
   */
  @Override
  public void stop(Runnable callback) {
    synchronized (this) {
      if (!running) {
        callback.run();
        return;
      }
      running = false;
    }
    stopStartedNanos = System.nanoTime();
    boolean leading = isLeader();
    CompletableFuture<Void> ended = releaseOnShutdown ? elector.stepDown() : elector.cancel();
    ended.whenComplete((ignored, error) -> {
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopStartedNanos);
      if (leading) {
        LOG.info("{}: {} on {} in {} ms", identity(), releaseOnShutdown ? "stepped down and released the lock"
            : "stopped leading without releasing the lock", lockDescription(), tookMillis);
      } else {
        LOG.debug("{}: left the election on {} in {} ms", identity(), lockDescription(), tookMillis);
      }
      callback.run();
    });
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  @Override
  public String toString() {
    LeaderContext t = term;
    return "Leadership{" + identity() + " on " + lockDescription()
        + (t != null && t.isLeading() ? ", leading, fencing token " + t.fencingToken() : ", following " + leader())
        + "}";
  }

  // ---- the elector's callbacks ---------------------------------------------------------------

  /** The elector's callbacks; kept off the public surface of {@link Leadership}. */
  private final class Callbacks implements LeaderCallbacks {

    @Override
    public void onStartedLeading(LeaderContext context) {
      LOG.info("{}: leading {} (fencing token {})", context.identity(), context.lockDescription(),
          context.fencingToken());
      term = context;
      List<LeaderLifecycle> started = new ArrayList<>();
      boolean granted = false;
      try {
        for (LeaderLifecycle lifecycle : lifecycles.get()) {
          if (!context.isLeading()) {
            break;
          }
          lifecycle.startLeading(context);
          started.add(lifecycle);
        }
        if (context.isLeading()) {
          events.publishEvent(new LeadershipGrantedEvent(Leadership.this, context));
          granted = true;
        }
        awaitEnd(context);
      } catch (RuntimeException | Error e) {
        LOG.error("{}: leader work failed to start on {}; stepping down so that another instance can lead",
            context.identity(), context.lockDescription(), e);
        synchronized (Leadership.this) {
          rejoinLater = true;
        }
        elector.stepDown();
        awaitEnd(context);
      } finally {
        endTerm(context, started, granted);
      }
    }

    private void awaitEnd(LeaderContext context) {
      context.cancellation().toCompletableFuture().join();
    }

    private void endTerm(LeaderContext context, List<LeaderLifecycle> started, boolean granted) {
      if (granted) {
        try {
          events.publishEvent(new LeadershipRevokedEvent(Leadership.this, context));
        } catch (RuntimeException e) {
          LOG.error("{}: a LeadershipRevokedEvent listener failed", context.identity(), e);
        }
      }
      for (int i = started.size() - 1; i >= 0; i--) {
        try {
          started.get(i).stopLeading();
        } catch (RuntimeException e) {
          LOG.error("{}: LeaderLifecycle {} failed to stop", context.identity(), started.get(i), e);
        }
      }
      awaitLeaderWork(context);
      term = null;
      LOG.info("{}: stopped leading {}", context.identity(), context.lockDescription());
    }

    /** Waits until no {@link #runIfLeading} run is in flight, at most leaseDuration. */
    private void awaitLeaderWork(LeaderContext context) {
      long deadline = System.nanoTime() + leaseDuration.toNanos();
      boolean interrupted = false;
      synchronized (workMonitor) {
        while (workInFlight > 0) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            LOG.warn("{}: {} leader-only run(s) still going {} after the term on {} ended; not waiting longer",
                context.identity(), workInFlight, leaseDuration, context.lockDescription());
            break;
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(workMonitor, left);
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void onStoppedLeading() {
      LOG.debug("{}: election run on {} ended", identity(), lockDescription());
    }

    @Override
    public void onNewLeader(String identity) {
      if (identity.isEmpty()) {
        LOG.info("{}: the lock {} was released", identity(), lockDescription());
      } else if (!identity.equals(identity())) {
        LOG.info("{}: the leader of {} is now {}", identity(), lockDescription(), identity);
      }
    }
  }
}
