package dev.baton.leaderelection;

import dev.baton.leaderelection.AcquireOrRenewAttempt.Foreign;
import dev.baton.leaderelection.AcquireOrRenewAttempt.Observation;
import dev.baton.leaderelection.AcquireOrRenewAttempt.Outcome;
import dev.baton.leaderelection.ElectionRuntime.Cancellable;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock.RecordWatch;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election with client-go's semantics ({@code tools/leaderelection}), made safer.
 *
 * <pre>{@code
 * LeaderElector elector = new LeaderElector(LeaderElectionConfig.builder()
 *     .lock(lock)
 *     .callbacks(callbacks)
 *     .releaseOnCancel(true)
 *     .build());
 * CompletableFuture<Void> run = elector.start();  // or elector.run() to block
 * ...
 * elector.cancel();                                // or elector.stepDown()
 * }</pre>
 *
 * <p>As client-go: candidates try to acquire every retryPeriod with jitter (factor 1.2); a leader
 * renews every retryPeriod, first optimistically from its cached record (fast path), then by
 * reading first (slow path); a record held by someone else is taken over only once it has not
 * changed for its {@code leaseDurationSeconds}, judged on the local monotonic clock.
 *
 * <p>Beyond client-go:
 * <ul>
 *   <li>Leadership ends when no renewal that <em>began</em> within the last renewDeadline succeeded,
 *       which keeps the leader's view strictly ahead of the followers' expiry. That deadline is
 *       computed, not waited for: {@link #isLeader()} and {@link LeaderContext#isLeading()} are false
 *       once it passed, even in a process that has just woken from a pause and whose timers have not
 *       run yet.</li>
 *   <li>A lock call whose result is dropped (it answered too late, or the run moved on meanwhile)
 *       can change nothing that a later write relies on: the elector adopts a call's observed record
 *       and the version its compare-and-set uses together, or neither, and after a dropped call it
 *       reads before it writes again. A release reads, checks that the record is still this
 *       candidate's own term, and writes, in one call: it never overwrites another holder's record.</li>
 *   <li>Two processes with one identity are detected instead of both leading: a record naming this
 *       identity that this elector did not write is another holder's (waited out until it expires);
 *       a leader that finds one stops, and a run that sees it rewritten ends with an
 *       {@link IdentityConflictException}.</li>
 *   <li>Callbacks fire only after the write that justifies them, never overlap, and the leader's
 *       {@link LeaderContext} is cancelled the moment leadership ends.</li>
 *   <li>A release (on {@link #cancel()} with releaseOnCancel, or {@link #stepDown()}) happens only
 *       after the leader's work returned (bounded by leaseDuration) and onStoppedLeading ran.</li>
 *   <li>Each term has a strictly increasing fencing token ({@link LeaderContext#fencingToken()}).</li>
 *   <li>Time and threads come from an {@link ElectionRuntime}: many electors share bounded pools,
 *       and tests run on virtual time.</li>
 *   <li>With a {@link WatchableResourceLock}, a follower acts at once on a release and exactly at
 *       the observed expiry instead of polling.</li>
 *   <li>An elector can be started again after a run ended.</li>
 * </ul>
 * Only one call to the lock is outstanding at a time: an attempt that falls due while the previous
 * call still hangs is skipped and counts as failed.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class LeaderElector {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElector.class);

  /** Where a run is. */
  public enum State {
    /** Never started. */
    NEW,
    /** Trying to acquire the lock. */
    ACQUIRING,
    /** Holding the lock and renewing it. */
    LEADING,
    /** Leadership ended: waiting for the leader's work, onStoppedLeading and the release. */
    STOPPING,
    /** The run ended; {@link #start()} may begin another. */
    STOPPED
  }

  private final LeaderElectionConfig config;
  private final ResourceLock lock;
  private final String identity;
  private final ElectionRuntime runtime;
  private final LeaderCallbacks callbacks;
  private final LeaderMetrics metrics;
  private final int leaseDurationSeconds;
  private final long renewDeadlineNanos;
  private final long retryPeriodNanos;
  private final SerialExecutor events;
  private final SerialExecutor notifications;
  private final AtomicBoolean lockCallBusy = new AtomicBoolean();
  private final OwnTerms ownTerms = new OwnTerms();

  /** Configurations already warned about (once per JVM each), see {@link #warnAboutForeignMargin()}. */
  private static final Set<List<Object>> WARNED_MARGINS = ConcurrentHashMap.newKeySet();

  // State below is written by tasks on `events` (and `state`, `runFuture` by start() under the
  // monitor before its first task); volatile where other threads read it.
  private volatile State state = State.NEW;
  private volatile Observation observed = Observation.NONE;
  private String reportedLeader = "";
  private int generation;
  private CompletableFuture<Void> runFuture = CompletableFuture.completedFuture(null);
  private Cancellable attemptTimer;
  private Cancellable deadlineTimer;
  private long lastRenewStartNanos;
  private volatile LeaderContext leaderContext;
  /**
   * Whether every lock call so far was adopted: only then does the lock's cached compare-and-set
   * version belong to {@code observed}, and may an attempt write without reading first.
   */
  private boolean lockStateTrusted;
  /** Attempts in a row that failed on the store (no answer in time, an error, a corrupt record). */
  private int troubledAttempts;
  /** Changes of a record under this identity not written by this elector, seen in this run. */
  private int foreignChanges;
  /** Why the current run must end in failure, or null. */
  private RuntimeException runFailure;
  private CompletableFuture<Void> leaderWork;
  private RecordWatch watch;
  private boolean watchStarting;
  /** Whether opening the watch failed in this run; the run then polls. */
  private boolean watchRefused;

  /**
   * Creates an elector; {@link #start()} or {@link #run()} begins the election.
   *
   * @param config a validated configuration
   */
  public LeaderElector(LeaderElectionConfig config) {
    this.config = config;
    this.lock = config.lock();
    this.identity = lock.identity();
    this.runtime = config.runtime();
    this.callbacks = config.callbacks();
    this.metrics = config.metrics();
    this.leaseDurationSeconds = (int) config.leaseDuration().getSeconds();
    this.renewDeadlineNanos = config.renewDeadline().toNanos();
    this.retryPeriodNanos = config.retryPeriod().toNanos();
    this.events = new SerialExecutor(task -> runtime.schedule(Duration.ZERO, task));
    this.notifications = new SerialExecutor(runtime.callbackExecutor());
    if (config.watchdog() != null) {
      config.watchdog().attach(this);
    }
    warnAboutForeignMargin();
  }

  /**
   * How long after a foreign leader's renewDeadline this candidate takes over at the earliest:
   * leaseDuration - renewDeadline, less 1 s when polling (whole-second record times).
   */
  static Duration foreignMargin(LeaderElectionConfig config, boolean watching) {
    return config.leaseDuration().minus(config.renewDeadline())
        .minus(watching ? Duration.ZERO : LeaderElectionConfig.MIN_LEASE_MARGIN);
  }

  /**
   * A client-go or fabric8 leader on the same lock leads until renewDeadline after the start of its
   * last retry round, which may begin up to retryPeriod after its last renewal; a polling follower
   * may also date that renewal up to 1 s early (record times have whole seconds). Baton-only fleets
   * are safe with any valid configuration; mixed fleets need leaseDuration - renewDeadline - 1 s
   * (without a watch) to cover a retryPeriod.
   */
  private void warnAboutForeignMargin() {
    boolean watching = lock instanceof WatchableResourceLock;
    Duration margin = foreignMargin(config, watching);
    if (margin.compareTo(config.retryPeriod()) < 0
        && WARNED_MARGINS.add(List.of(config.leaseDuration(), config.renewDeadline(), config.retryPeriod(), watching))) {
      LOG.warn("{}: leaseDuration {} - renewDeadline {}{} leaves {}, less than one retryPeriod ({}): next to client-go "
          + "or fabric8 electors on the same lock, this candidate may take over before such a leader has stopped. "
          + "Mixed fleets need leaseDuration >= renewDeadline + retryPeriod{}; Baton-only fleets are safe as configured",
          identity, config.leaseDuration(), config.renewDeadline(), watching ? "" : " - 1 s (polling, whole-second times)",
          margin, config.retryPeriod(), watching ? "" : " + 1 s");
    }
  }

  /**
   * Starts a run of the election (client-go's {@code Run}, without blocking). The run ends after
   * leadership is lost, or after {@link #cancel()} or {@link #stepDown()}; it always ends with
   * {@link LeaderCallbacks#onStoppedLeading()}.
   *
   * @return completes when the run has ended (after the release, if any)
   * @throws IllegalStateException when a run is already going on
   */
  public synchronized CompletableFuture<Void> start() {
    if (!runFuture.isDone()) {
      throw new IllegalStateException("leader elector " + config.name() + " is already running; "
          + "wait for the run to end (or cancel it) before starting again");
    }
    CompletableFuture<Void> run = new CompletableFuture<>();
    runFuture = run;
    state = State.ACQUIRING;
    events.execute(() -> {
      int g = ++generation;
      foreignChanges = 0;
      runFailure = null;
      watchRefused = false;
      LOG.info("{}: attempting to acquire leader lease {}...", identity, lock.describe());
      scheduleAttempt(g, 0);
    });
    return run.copy();
  }

  /**
   * Runs the election on this thread until the run ends (client-go's {@code Run}). Interrupting
   * the thread cancels the run.
   *
   * @throws InterruptedException when interrupted; the run is cancelled and ends in the background
   * @throws IdentityConflictException when another process used this candidate's identity
   */
  public void run() throws InterruptedException {
    CompletableFuture<Void> run = start();
    try {
      run.get();
    } catch (InterruptedException e) {
      cancel();
      throw e;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("leader election run failed", e.getCause());
    }
  }

  /**
   * Ends the run (client-go's context cancellation). A leader's work is cancelled first; the lock
   * is released afterwards if {@link LeaderElectionConfig#releaseOnCancel()}.
   *
   * @return completes when the run has ended
   */
  public CompletableFuture<Void> cancel() {
    return stop(config.releaseOnCancel(), "cancelled");
  }

  /**
   * Gives leadership up voluntarily: ends the run and releases the lock (whatever
   * releaseOnCancel says) after the leader's work returned, so another candidate takes over at
   * once. Does the same as {@link #cancel()} for a candidate that does not lead.
   *
   * @return completes when the run has ended
   */
  public CompletableFuture<Void> stepDown() {
    return stop(true, "stepping down");
  }

  private synchronized CompletableFuture<Void> stop(boolean release, String why) {
    CompletableFuture<Void> run = runFuture;
    events.execute(() -> {
      switch (state) {
        case ACQUIRING -> {
          LOG.info("{}: {} while not leading {}", identity, why, lock.describe());
          endRun();
        }
        case LEADING -> stopLeading(release, why);
        default -> { }
      }
    });
    return run.copy();
  }

  /**
   * Whether this candidate leads now: its run is leading, the last record it saw names it, and its
   * term's validity deadline (the start of its last successful renewal + renewDeadline) has not
   * passed. The deadline is computed at each call, so a process woken from a pause sees
   * {@code false} at once, before any of the elector's timers ran.
   */
  public boolean isLeader() {
    LeaderContext term = leaderContext;
    return state == State.LEADING && term != null && term.isLeading() && observed.isHeldBy(identity);
  }

  /** The holder of the last record observed, {@code ""} when none was observed or it was released. */
  public String getLeader() {
    return observed.record().holderIdentity();
  }

  /**
   * The last record this elector observed (read, written or delivered by a watch), for status
   * displays; empty before the first observation.
   *
   * @return the record
   */
  public Optional<dev.baton.leaderelection.resourcelock.LeaderElectionRecord> observedRecord() {
    Observation o = observed;
    return o == Observation.NONE ? Optional.empty() : Optional.of(o.record());
  }

  /**
   * The current term while this candidate leads: its fencing token and validity; empty otherwise.
   *
   * @return the term
   */
  public Optional<LeaderContext> currentTerm() {
    LeaderContext term = leaderContext;
    return state == State.LEADING && term != null && term.isLeading() ? Optional.of(term) : Optional.empty();
  }

  /** Where the current run is. */
  public State state() {
    return state;
  }

  /** The configuration. */
  public LeaderElectionConfig config() {
    return config;
  }

  /**
   * client-go's {@code Check}: a problem when this elector leads but has not renewed for longer
   * than leaseDuration + {@code maxTolerableExpiredLease}.
   *
   * @param maxTolerableExpiredLease how long past the lease duration is tolerated
   * @return the problem, or empty when healthy
   */
  public Optional<String> check(Duration maxTolerableExpiredLease) {
    // The elector's belief, not isLeader(): a stuck elector's term has long passed its deadline, and
    // the watchdog exists to report exactly that belief.
    if (state != State.LEADING || !observed.isHeldBy(identity)) {
      return Optional.empty();
    }
    long sinceRenewal = runtime.nanoTime() - observed.observedNanos();
    if (sinceRenewal > config.leaseDuration().plus(maxTolerableExpiredLease).toNanos()) {
      return Optional.of("failed election to renew leadership on lease " + config.name() + ": last renewal "
          + Duration.ofNanos(sinceRenewal) + " ago");
    }
    return Optional.empty();
  }

  // ---- the loop: everything below runs on `events` ------------------------------------------

  private void scheduleAttempt(int g, long delayNanos) {
    if (attemptTimer != null) {
      attemptTimer.cancel();
    }
    attemptTimer = runtime.schedule(Duration.ofNanos(Math.max(0, delayNanos)),
        () -> events.execute(() -> attempt(g)));
  }

  private long jitteredRetryNanos() {
    return retryPeriodNanos + (long) (runtime.random() * LeaderElectionConfig.JITTER_FACTOR * retryPeriodNanos);
  }

  private void attempt(int g) {
    if (g != generation || (state != State.ACQUIRING && state != State.LEADING)) {
      return;
    }
    if (state == State.LEADING && termExpired()) {
      // Timers that fell due during a pause run in time order: the overdue attempt comes before the
      // deadline timer, and must not renew a term that has already ended.
      loseToDeadline();
      return;
    }
    long startNanos = runtime.nanoTime();
    if (!lockCallBusy.compareAndSet(false, true)) {
      LOG.warn("{}: previous call to lock {} has not returned yet; skipping this attempt", identity, lock.describe());
      afterAttempt(g, startNanos, false, null);
      return;
    }
    // Followers only: a leader ignores notifications, and its renewal's time is the term's. A refused
    // watch (a Role without the watch verb) is not tried again in this run.
    boolean wantWatch = watch == null && !watchStarting && !watchRefused && state == State.ACQUIRING
        && lock instanceof WatchableResourceLock;
    watchStarting |= wantWatch;
    Observation snapshot = observed;
    boolean leading = state == State.LEADING;
    AcquireOrRenewAttempt attempt = new AcquireOrRenewAttempt(lock, leaseDurationSeconds, runtime, snapshot,
        leading ? termDeadlineNanos() : Long.MAX_VALUE, lockStateTrusted, ownTerms);
    Duration timeout = leading
        ? Duration.ofNanos(Math.max(1_000_000, termDeadlineNanos() - startNanos))
        : config.renewDeadline();
    runtime.<Outcome>callLock(() -> {
      try {
        if (wantWatch) {
          startWatch(g);
        }
        return attempt.call();
      } finally {
        lockCallBusy.set(false);
      }
    }, timeout).whenComplete((outcome, error) -> events.execute(() -> {
      if (g != generation) {
        // Dropped: whatever the call read may have moved the lock's cached version.
        lockStateTrusted = false;
        return;
      }
      if (error != null) {
        lockStateTrusted = false;
        noteTrouble("attempt on lock " + lock.describe() + " failed: " + error);
      } else {
        if (outcome.storeError()) {
          noteTrouble(outcome.failure());
        } else if (troubledAttempts > 0) {
          LOG.info("{}: lock {} works again after {} failed attempts", identity, lock.describe(), troubledAttempts);
          troubledAttempts = 0;
        }
        // The attempt worked on a copy taken when it began; a watch may have delivered a newer record
        // meanwhile. A failed attempt that saw nothing newer must not put the older copy back (a
        // follower would report a released lock, or the wrong holder); then the lock's cached version
        // does not belong to the observation kept, so the next write reads first.
        Observation seen = outcome.observation();
        if (outcome.succeeded() || (seen != snapshot && seen.observedNanos() - observed.observedNanos() >= 0)) {
          lockStateTrusted = true;
          adopt(seen);
        } else {
          lockStateTrusted = seen == snapshot && observed == snapshot;
        }
        if (!outcome.succeeded()) {
          LOG.debug("{}: failed to acquire or renew lease {}: {}", identity, lock.describe(), outcome.failure());
        } else if (outcome.slowPath()) {
          metrics.slowPathExercised(config.name());
        }
      }
      maybeReportTransition();
      afterAttempt(g, startNanos, error == null && outcome.succeeded(), outcome);
    }));
  }

  /**
   * A store that fails (unreachable, refusing, holding a corrupt record) is logged at WARN once per
   * streak of failed attempts, then at DEBUG, so it is seen without flooding the log (client-go logs
   * each at error level).
   */
  private void noteTrouble(String what) {
    if (troubledAttempts++ == 0) {
      LOG.warn("{}: {}", identity, what);
    } else {
      LOG.debug("{}: again: {}", identity, what);
    }
  }

  private void afterAttempt(int g, long startNanos, boolean succeeded, Outcome outcome) {
    long now = runtime.nanoTime();
    if (state == State.ACQUIRING) {
      if (outcome != null && outcome.foreign() == Foreign.CHANGED && foreignChangeEndsRun()) {
        return;
      }
      if (succeeded) {
        becomeLeader(g, startNanos, outcome);
      } else {
        scheduleAttempt(g, nextAcquireDelay(outcome, now));
      }
    } else if (state == State.LEADING) {
      if (termExpired()) {
        loseToDeadline();
        return;
      }
      if (succeeded) {
        lastRenewStartNanos = startNanos;
        leaderContext.extendDeadline(startNanos + renewDeadlineNanos);
        scheduleDeadline(g);
      } else if (outcome != null && outcome.foreign() != Foreign.NO) {
        runFailure = new IdentityConflictException(identity, lock.describe(),
            "the leader's renewal found the record rewritten by another process under the same identity");
        LOG.error("{}: {}; leadership is lost", identity, runFailure.getMessage());
        stopLeading(false, "another process uses this identity");
        return;
      } else if (outcome != null && !observed.record().holderIdentity().isEmpty() && !observed.isHeldBy(identity)) {
        // The store names another holder: leadership is already gone, waiting for renewDeadline
        // (as client-go does) would only let this candidate's work overlap the new leader's.
        LOG.warn("{}: lock {} is now held by {}; leadership is lost", identity, lock.describe(),
            observed.record().holderIdentity());
        stopLeading(false, "another candidate holds the lock");
        return;
      }
      scheduleAttempt(g, startNanos + retryPeriodNanos - now);
    }
  }

  /**
   * Notes a change of the record under this identity that this elector did not write. The first may
   * be a crashed earlier run's last write; a second proves another live process with this identity,
   * and ends the run with an {@link IdentityConflictException}.
   *
   * @return whether the run ended
   */
  private boolean foreignChangeEndsRun() {
    if (++foreignChanges >= 2) {
      runFailure = new IdentityConflictException(identity, lock.describe(),
          "the record under this identity was rewritten while this candidate, not leading, waited");
      LOG.error("{}: {}", identity, runFailure.getMessage());
      endRun();
      return true;
    }
    LOG.warn("{}: the record of {} names this candidate but was not written by this run: a crashed earlier run "
        + "of {} (taken over once its lease expires) or another process with the same identity", identity,
        lock.describe(), identity);
    return false;
  }

  /** client-go polls with jitter; with a watch, a follower waits exactly until the lease it saw expires. */
  private long nextAcquireDelay(Outcome outcome, long now) {
    Observation o = observed;
    if (watch != null && outcome != null && !o.record().holderIdentity().isEmpty() && !o.isHeldBy(identity)
        && o.isLeaseValid(now)) {
      return o.expiryNanos() - now;
    }
    return jitteredRetryNanos();
  }

  private void becomeLeader(int g, long startNanos, Outcome outcome) {
    state = State.LEADING;
    lastRenewStartNanos = startNanos;
    LOG.info("{}: successfully acquired lease {}", identity, lock.describe());
    recordEvent("became leader");
    metrics.leaderOn(config.name());
    long token = outcome.revision().isPresent()
        ? outcome.revision().getAsLong()
        : outcome.observation().record().leaderTransitions();
    LeaderContext context = new LeaderContext(identity, lock.describe(), token, runtime::nanoTime,
        startNanos + renewDeadlineNanos);
    leaderContext = context;
    leaderWork = CompletableFuture.runAsync(() -> {
      try {
        callbacks.onStartedLeading(context);
      } catch (RuntimeException | Error e) {
        LOG.error("{}: onStartedLeading failed", identity, e);
      }
    }, runtime.callbackExecutor());
    scheduleDeadline(g);
    scheduleAttempt(g, startNanos + retryPeriodNanos - runtime.nanoTime());
  }

  private void scheduleDeadline(int g) {
    if (deadlineTimer != null) {
      deadlineTimer.cancel();
    }
    long delay = termDeadlineNanos() - runtime.nanoTime();
    deadlineTimer = runtime.schedule(Duration.ofNanos(Math.max(0, delay)), () -> events.execute(() -> {
      if (g == generation && state == State.LEADING && termExpired()) {
        loseToDeadline();
      }
    }));
  }

  /** Whether the term's validity deadline (last successful renewal's start + renewDeadline) has passed. */
  private boolean termExpired() {
    return runtime.nanoTime() - termDeadlineNanos() >= 0;
  }

  /** The term's validity deadline: the start of its last successful renewal + renewDeadline. */
  private long termDeadlineNanos() {
    return lastRenewStartNanos + renewDeadlineNanos;
  }

  private void loseToDeadline() {
    LOG.warn("{}: failed to renew lease {} within renewDeadline {}; leadership is lost", identity,
        lock.describe(), config.renewDeadline());
    stopLeading(config.releaseOnCancel(), "renew deadline passed");
  }

  private void stopLeading(boolean release, String why) {
    LOG.info("{}: stopping leadership of {} ({})", identity, lock.describe(), why);
    state = State.STOPPING;
    int g = ++generation;
    cancelTimers();
    metrics.leaderOff(config.name());
    leaderContext.cancel();
    CompletableFuture<Void> workDone = leaderWork;
    CompletableFuture<Void> bounded = new CompletableFuture<>();
    Cancellable cap = runtime.schedule(config.leaseDuration(), () -> bounded.complete(null));
    workDone.whenComplete((v, e) -> {
      cap.cancel();
      bounded.complete(null);
    });
    bounded.whenComplete((v, e) -> events.execute(() -> {
      if (!workDone.isDone()) {
        LOG.warn("{}: onStartedLeading did not return within leaseDuration {} after its context was cancelled",
            identity, config.leaseDuration());
      }
      recordEvent("stopped leading");
      CompletableFuture<Void> stopped = runStoppedCallback();
      stopped.whenComplete((x, y) -> events.execute(() -> {
        if (release) {
          release(g, 0);
        } else {
          finishRun();
        }
      }));
    }));
  }

  private static final int MAX_RELEASE_ATTEMPTS = 5;

  /**
   * client-go's release: holder "", leaseDurationSeconds 1, acquire = renew = now, transitions kept.
   * One {@link ReleaseAttempt} reads, checks that the record is still this elector's term and writes,
   * so nothing an earlier (perhaps abandoned) call did can make it overwrite another holder's record.
   */
  private void release(int g, int attemptNo) {
    if (!observed.isHeldBy(identity) || attemptNo >= MAX_RELEASE_ATTEMPTS) {
      finishRun();
      return;
    }
    if (!lockCallBusy.compareAndSet(false, true)) {
      // A hung call still holds the lock instance; try again once the retry period has passed.
      runtime.schedule(config.retryPeriod(), () -> events.execute(() -> release(g, attemptNo + 1)));
      return;
    }
    ReleaseAttempt attempt = new ReleaseAttempt(lock, runtime, ownTerms);
    runtime.<ReleaseAttempt.Result>callLock(() -> {
      try {
        return attempt.call();
      } finally {
        lockCallBusy.set(false);
      }
    }, config.renewDeadline()).whenComplete((result, error) -> events.execute(() -> {
      if (error != null) {
        lockStateTrusted = false;
        Throwable cause = unwrap(error);
        LOG.warn("{}: failed to release lock {}: {}", identity, lock.describe(), cause.toString());
        if (cause instanceof TimeoutException) {
          finishRun();
        } else {
          runtime.schedule(config.retryPeriod(), () -> events.execute(() -> release(g, attemptNo + 1)));
        }
        return;
      }
      lockStateTrusted = true;
      long now = runtime.nanoTime();
      if (result instanceof ReleaseAttempt.Released released) {
        observed = observed.withRecord(released.record(), now);
        LOG.info("{}: released lease {}", identity, lock.describe());
      } else if (result instanceof ReleaseAttempt.NotOurs notOurs) {
        ObservedRecord current = notOurs.current();
        if (!Arrays.equals(current.raw(), observed.raw())) {
          adopt(new Observation(current.record(), current.raw(), now));
        }
        LOG.info("{}: not releasing lease {}: the record is no longer this candidate's term (holder \"{}\")",
            identity, lock.describe(), current.record().holderIdentity());
      } else if (result instanceof ReleaseAttempt.GaveUp gaveUp) {
        LOG.warn("{}: did not release lease {}: {}", identity, lock.describe(), gaveUp.why());
      } else {
        LOG.info("{}: not releasing lease {}: there is no record", identity, lock.describe());
      }
      maybeReportTransition();
      finishRun();
    }));
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  /** Ends a run that was not leading (or whose leadership was already wound down). */
  private void endRun() {
    state = State.STOPPING;
    ++generation;
    cancelTimers();
    runStoppedCallback().whenComplete((x, y) -> events.execute(this::finishRun));
  }

  private CompletableFuture<Void> runStoppedCallback() {
    return CompletableFuture.runAsync(() -> {
      try {
        callbacks.onStoppedLeading();
      } catch (RuntimeException | Error e) {
        LOG.error("{}: onStoppedLeading failed", identity, e);
      }
    }, runtime.callbackExecutor());
  }

  private void finishRun() {
    closeWatch();
    leaderContext = null;
    leaderWork = null;
    CompletableFuture<Void> run;
    RuntimeException failure = runFailure;
    runFailure = null;
    synchronized (this) {
      state = State.STOPPED;
      run = runFuture;
    }
    if (failure != null) {
      run.completeExceptionally(failure);
    } else {
      run.complete(null);
    }
  }

  private void cancelTimers() {
    if (attemptTimer != null) {
      attemptTimer.cancel();
      attemptTimer = null;
    }
    if (deadlineTimer != null) {
      deadlineTimer.cancel();
      deadlineTimer = null;
    }
  }

  private void adopt(Observation o) {
    observed = o;
  }

  private void maybeReportTransition() {
    String holder = observed.record().holderIdentity();
    if (holder.equals(reportedLeader)) {
      return;
    }
    reportedLeader = holder;
    notifications.execute(() -> {
      try {
        callbacks.onNewLeader(holder);
      } catch (RuntimeException | Error e) {
        LOG.error("{}: onNewLeader failed", identity, e);
      }
    });
  }

  private void recordEvent(String message) {
    notifications.execute(() -> {
      try {
        lock.recordEvent(message);
      } catch (RuntimeException e) {
        LOG.warn("{}: recording event \"{}\" on {} failed: {}", identity, message, lock.describe(), e.toString());
      }
    });
  }

  // ---- the optional watch --------------------------------------------------------------------

  /** Runs on a lock-call thread, inside an attempt, so it never overlaps another lock call. */
  private void startWatch(int g) {
    try {
      RecordWatch w = ((WatchableResourceLock) lock).watch(r -> events.execute(() -> onWatchedRecord(g, r)));
      events.execute(() -> {
        watchStarting = false;
        if (g == generation && (state == State.ACQUIRING || state == State.LEADING)) {
          watch = w;
        } else {
          w.close();
        }
      });
    } catch (LockException | RuntimeException e) {
      LOG.warn("{}: could not watch lock {}, polling instead for this run: {}", identity, lock.describe(), e.toString());
      events.execute(() -> {
        watchStarting = false;
        watchRefused = true;
      });
    }
  }

  private void closeWatch() {
    if (watch != null) {
      watch.close();
      watch = null;
    }
  }

  private void onWatchedRecord(int runGeneration, ObservedRecord record) {
    // Only followers act on notifications; a leader learns of trouble through its renewals.
    if (runGeneration != generation || state != State.ACQUIRING || watch == null) {
      return;
    }
    int g = generation;
    if (record == null) {
      scheduleAttempt(g, 0);
      return;
    }
    if (Arrays.equals(record.raw(), observed.raw())) {
      // The same bytes written again: a renewal within the same second (times have whole seconds).
      // The notification proves the write happened now, so the lease runs from now.
      observed = observed.withRecord(observed.record(), runtime.nanoTime());
      if (!lockCallBusy.get()) {
        scheduleAttempt(g, observed.expiryNanos() - runtime.nanoTime());
      }
      return;
    }
    adopt(new Observation(record.record(), record.raw(), runtime.nanoTime()));
    maybeReportTransition();
    if (record.record().holderIdentity().equals(identity) && !ownTerms.contains(record.record())
        && foreignChangeEndsRun()) {
      return;
    }
    if (record.record().holderIdentity().isEmpty()) {
      scheduleAttempt(g, 0);
    } else if (!lockCallBusy.get()) {
      scheduleAttempt(g, observed.expiryNanos() - runtime.nanoTime());
    }
  }

  @Override
  public String toString() {
    return "LeaderElector{" + identity + " on " + lock.describe() + ", " + state + "}";
  }
}
