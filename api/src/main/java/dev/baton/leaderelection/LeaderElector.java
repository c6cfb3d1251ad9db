package dev.baton.leaderelection;

import dev.baton.leaderelection.AcquireOrRenewAttempt.Foreign;
import dev.baton.leaderelection.AcquireOrRenewAttempt.Observation;
import dev.baton.leaderelection.AcquireOrRenewAttempt.Outcome;
import dev.baton.leaderelection.ElectionRuntime.Cancellable;
import dev.baton.leaderelection.ElectionRuntime.LockCallPriority;
import dev.baton.leaderelection.resourcelock.LeaderElectionRecord;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.ObservedRecord;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock;
import dev.baton.leaderelection.resourcelock.WatchableResourceLock.RecordWatch;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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
 * call still hangs, or before the previous call's answer was handled (also one of an earlier run), is
 * skipped and counts as failed.
 *
 * <h2>The state machine</h2>
 *
 * <p>Each run ({@link #start()} until its future completes) moves once through this chart;
 * {@link #state()} is the state of the latest run. Events are in plain text, guards in
 * {@code [brackets]}; the two loops are client-go's {@code acquire} and {@code renew}, each calling
 * {@code tryAcquireOrRenew} ({@link AcquireOrRenewAttempt}) every time round.
 *
 * <pre>
 *  NEW ── start() ──▶ ACQUIRING ─────── acquire: the attempt wrote the record ───────▶ LEADING
 *                      │   ▲  │                                                        │   ▲  │
 *                      │   └──┘ acquire: the attempt failed                            │   └──┘ renew: renewed, or failed
 *                      │        [not the second foreign rewrite]:                      │        [term deadline ahead, no other
 *                      │        again after retryPeriod × [1, 2.2),                    │        holder, no foreign record]:
 *                      │        or when the watched lease expires                      │        again retryPeriod after the
 *                      │                                                               │        attempt's start
 *                      │ cancel() | stepDown()                                         │
 *                      │ | acquire: [the record under this identity                    │ renew: [term deadline passed]
 *                      │   was rewritten a second time by another                      │ | renew: the attempt read another holder
 *                      │   process: IdentityConflictException]                         │ | renew: the attempt read a record under
 *                      ▼                                                               │   this identity not written by this elector
 *                   STOPPING ◀─────────────────────────────────────────────────────────┘ | cancel() | stepDown()
 *                      │
 *                      │ [the leader's work returned, or leaseDuration passed]
 *                      │ onStoppedLeading ran; the release was written, when asked for
 *                      ▼
 *                   STOPPED ── start(): a new run, which moves NEW ──▶ ACQUIRING again
 * </pre>
 *
 * <p>Every change of state goes through one method that checks the move against this chart and
 * throws {@link IllegalStateException} on any other move. The release is asked for by
 * {@link #stepDown()}, and by {@link #cancel()} or a passed deadline when releaseOnCancel is set;
 * a leader that lost its record to another holder or another process never releases.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class LeaderElector {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElector.class);

  /** Where a run is; see the state chart in the class comment. */
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

  /** The moves of the state chart; any other change of state is a bug. */
  private static final Map<State, Set<State>> MOVES = new EnumMap<>(Map.of(
      State.NEW, EnumSet.of(State.ACQUIRING),
      State.ACQUIRING, EnumSet.of(State.LEADING, State.STOPPING),
      State.LEADING, EnumSet.of(State.STOPPING),
      State.STOPPING, EnumSet.of(State.STOPPED),
      State.STOPPED, EnumSet.noneOf(State.class)));

  private static final int MAX_RELEASE_ATTEMPTS = 5;

  /** Configurations already warned about (once per JVM each), see {@link #warnAboutForeignMargin()}. */
  private static final Set<List<Object>> WARNED_MARGINS = ConcurrentHashMap.newKeySet();

  private final LeaderElectionConfig config;
  private final ResourceLock lock;
  private final String identity;
  private final ElectionRuntime runtime;
  private final LeaderCallbacks callbacks;
  private final LeaderMetrics metrics;
  private final int leaseDurationSeconds;
  private final long renewDeadlineNanos;
  private final long retryPeriodNanos;
  /**
   * Runs the elector's tasks one at a time: the loops' handlers (tryAcquireOrRenew, acquire, renew,
   * the release path), their timers' and lock calls' continuations, and the watch's deliveries.
   */
  private final SerialExecutor events;
  /** Runs onNewLeader calls and lock events one at a time, in order. */
  private final SerialExecutor notifications;
  /** Set while a call on the lock instance is outstanding (it may outlive the run that made it). */
  private final AtomicBoolean lockCallBusy = new AtomicBoolean();
  /** What runs once {@link #lockCallBusy} is next freed: a release that found it held. */
  private final AtomicReference<Runnable> whenLockCallFree = new AtomicReference<>();
  /**
   * Attempts whose answer (result, failure or time-out) has not been handled on {@code events} yet.
   * The call frees {@link #lockCallBusy} when it returns, a moment before its answer is handed over;
   * until that answer is handled, {@link #lockStateTrusted} may still claim a version the call
   * moved, so no attempt starts (of this run, or of the next one). Touched on {@code events} only.
   */
  private int unhandledAnswers;
  private final OwnTerms ownTerms = new OwnTerms();

  // What the elector knows beyond one run. Written by tasks on `events` only; `run` also by
  // start(), under this object's monitor, before the new run's first task is queued. Volatile
  // where the public getters read them from other threads.
  /** The latest run, or null before the first {@link #start()}. */
  private volatile Run run;
  /** What this elector last saw of the record, and when. */
  private volatile Observation observed = Observation.NONE;
  /**
   * Whether every lock call so far was adopted: only then does the lock's cached compare-and-set
   * version belong to {@code observed}, and may an attempt write without reading first.
   */
  private boolean lockStateTrusted;
  /** The holder last reported to onNewLeader (client-go's {@code reportedLeader}). */
  private String reportedLeader = "";
  /** Attempts in a row that failed on the store (no answer in time, an error, a corrupt record). */
  private int troubledAttempts;

  /**
   * One run: from {@link #start()} until its future completes. A run moves through the chart once
   * and never back, so a task that holds a run whose state is no longer ACQUIRING or LEADING belongs
   * to the past and does nothing.
   */
  private static final class Run {
    final CompletableFuture<Void> done = new CompletableFuture<>();
    /** Changed only by {@link LeaderElector#moveTo}. */
    volatile State state = State.NEW;
    /** The term while LEADING and after it; null before. */
    volatile Term term;
    /** The next tryAcquireOrRenew. */
    Cancellable attemptTimer;
    /** Changes of a record under this identity not written by this elector, seen in this run. */
    int foreignChanges;
    /** Why the run must end in failure, or null. */
    RuntimeException failure;
    Watching watching = Watching.NOT_YET;
    /** The open watch, while {@code watching} is OPEN. */
    RecordWatch watch;

    boolean isActive() {
      State s = state;
      return s == State.ACQUIRING || s == State.LEADING;
    }
  }

  /** The one term a run may have: the leader's context, its work, and the timer of its deadline. */
  private static final class Term {
    final LeaderContext context;
    CompletableFuture<Void> work = CompletableFuture.completedFuture(null);
    /** Fires at the term's validity deadline (client-go's renew loop timing out after renewDeadline). */
    Cancellable deadlineTimer;

    Term(LeaderContext context) {
      this.context = context;
    }

    /** The start of the term's last successful write + renewDeadline. */
    long deadlineNanos() {
      return context.deadlineNanos();
    }
  }

  /** A follower's watch in one run: opened at the first attempt, never by a leader, tried once. */
  private enum Watching { NOT_YET, OPENING, OPEN, REFUSED }

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

  // ---- the public face -----------------------------------------------------------------------

  /**
   * Starts a run of the election (client-go's {@code Run}, without blocking). The run ends after
   * leadership is lost, or after {@link #cancel()} or {@link #stepDown()}; it always ends with
   * {@link LeaderCallbacks#onStoppedLeading()}.
   *
   * @return completes when the run has ended (after the release, if any)
   * @throws IllegalStateException when a run is already going on
   */
  public synchronized CompletableFuture<Void> start() {
    Run previous = run;
    if (previous != null && !previous.done.isDone()) {
      throw new IllegalStateException("leader elector " + config.name() + " is already running; "
          + "wait for the run to end (or cancel it) before starting again");
    }
    ClientTimeoutCheck.warnOnce(config);
    Run r = new Run();
    moveTo(r, State.ACQUIRING);
    run = r;
    events.execute(() -> {
      LOG.info("{}: attempting to acquire leader lease {}...", identity, lock.describe());
      scheduleAttempt(r, 0);
    });
    return r.done.copy();
  }

  /**
   * Runs the election on this thread until the run ends (client-go's {@code Run}). Interrupting
   * the thread cancels the run.
   *
   * @throws InterruptedException when interrupted; the run is cancelled and ends in the background
   * @throws IdentityConflictException when another process used this candidate's identity
   */
  public void run() throws InterruptedException {
    CompletableFuture<Void> done = start();
    try {
      done.get();
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
    Run r = run;
    if (r == null) {
      return CompletableFuture.completedFuture(null);
    }
    events.execute(() -> {
      switch (r.state) {
        case ACQUIRING -> {
          LOG.info("{}: {} while not leading {}", identity, why, lock.describe());
          endRun(r);
        }
        case LEADING -> stopLeading(r, release, why);
        default -> { }
      }
    });
    return r.done.copy();
  }

  /**
   * Whether this candidate leads now: its run is leading, the last record it saw names it, and its
   * term's validity deadline (the start of its last successful renewal + renewDeadline) has not
   * passed. The deadline is computed at each call, so a process woken from a pause sees
   * {@code false} at once, before any of the elector's timers ran.
   */
  public boolean isLeader() {
    return currentTerm().isPresent() && observed.isHeldBy(identity);
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
  public Optional<LeaderElectionRecord> observedRecord() {
    Observation o = observed;
    return o == Observation.NONE ? Optional.empty() : Optional.of(o.record());
  }

  /**
   * The current term while this candidate leads: its fencing token and validity; empty otherwise.
   *
   * @return the term
   */
  public Optional<LeaderContext> currentTerm() {
    Run r = run;
    if (r == null || r.state != State.LEADING) {
      return Optional.empty();
    }
    Term t = r.term;
    return t != null && t.context.isLeading() ? Optional.of(t.context) : Optional.empty();
  }

  /** Where the current run is. */
  public State state() {
    Run r = run;
    return r == null ? State.NEW : r.state;
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
    if (state() != State.LEADING || !observed.isHeldBy(identity)) {
      return Optional.empty();
    }
    long sinceRenewal = runtime.nanoTime() - observed.observedNanos();
    if (sinceRenewal > config.leaseDuration().plus(maxTolerableExpiredLease).toNanos()) {
      return Optional.of("failed election to renew leadership on lease " + config.name() + ": last renewal "
          + Duration.ofNanos(sinceRenewal) + " ago");
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "LeaderElector{" + identity + " on " + lock.describe() + ", " + state() + "}";
  }

  // ---- the state chart: every change of state goes through moveTo ---------------------------

  /**
   * Checks a move against the state chart.
   *
   * @throws IllegalStateException when the chart has no such move
   */
  static void checkMove(State from, State to) {
    if (!MOVES.get(from).contains(to)) {
      throw new IllegalStateException("a leader elector's run cannot move from " + from + " to " + to
          + "; from " + from + " it may move to " + MOVES.get(from));
    }
  }

  /** The one place where a run's state changes. */
  private synchronized void moveTo(Run r, State to) {
    checkMove(r.state, to);
    LOG.debug("{}: {} -> {}", identity, r.state, to);
    r.state = to;
  }

  // ---- tryAcquireOrRenew: one attempt, for both loops (runs on `events`) --------------------

  private void scheduleAttempt(Run r, long delayNanos) {
    if (r.attemptTimer != null) {
      r.attemptTimer.cancel();
    }
    r.attemptTimer = runtime.schedule(Duration.ofNanos(Math.max(0, delayNanos)),
        () -> events.execute(() -> tryAcquireOrRenew(r)));
  }

  private long jitteredRetryNanos() {
    return retryPeriodNanos + (long) (runtime.random() * LeaderElectionConfig.JITTER_FACTOR * retryPeriodNanos);
  }

  /**
   * Hands one {@link AcquireOrRenewAttempt} to a lock-call thread and passes its outcome to the loop
   * the run is in: {@link #acquire} or {@link #renew}.
   */
  private void tryAcquireOrRenew(Run r) {
    if (!r.isActive()) {
      return;
    }
    boolean leading = r.state == State.LEADING;
    if (leading && termOver(r)) {
      // Timers that fell due during a pause run in time order: the overdue attempt comes before the
      // deadline timer, and must not renew a term that has already ended.
      loseToDeadline(r);
      return;
    }
    long startNanos = runtime.nanoTime();
    if (unhandledAnswers > 0 || !lockCallBusy.compareAndSet(false, true)) {
      LOG.warn("{}: previous call to lock {} has not returned, or its answer has not been handled, yet; skipping "
          + "this attempt", identity, lock.describe());
      continueLoop(r, startNanos, startNanos, null);
      return;
    }
    unhandledAnswers++;
    // Followers only: a leader ignores notifications, and its renewal's time is the term's. A refused
    // watch (a Role without the watch verb) is not tried again in this run.
    boolean openWatch = !leading && r.watching == Watching.NOT_YET && lock instanceof WatchableResourceLock;
    if (openWatch) {
      r.watching = Watching.OPENING;
    }
    Observation snapshot = observed;
    long termDeadline = leading ? r.term.deadlineNanos() : Long.MAX_VALUE;
    AcquireOrRenewAttempt attempt = new AcquireOrRenewAttempt(lock, leaseDurationSeconds, runtime, snapshot,
        termDeadline, lockStateTrusted, ownTerms);
    Duration timeout = leading
        ? Duration.ofNanos(Math.max(1_000_000, termDeadline - startNanos))
        : config.renewDeadline();
    LockCallPriority priority = leading ? LockCallPriority.LEADER
        : leaderGone(snapshot, startNanos) ? LockCallPriority.HANDOVER
        : LockCallPriority.FOLLOWER;
    this.<Outcome>callHoldingLock(() -> {
      if (openWatch) {
        openWatch(r);
      }
      return attempt.call();
    }, timeout, priority).whenComplete((outcome, error) -> events.execute(() -> {
      unhandledAnswers--;
      if (!r.isActive()) {
        // Dropped: whatever the call read may have moved the lock's cached version.
        lockStateTrusted = false;
        return;
      }
      // The term is timed from when the attempt ran, not from when it was handed in: a first attempt
      // that waited in a saturated pool's queue for most of renewDeadline would otherwise begin a term
      // that is nearly over, and lose it before its first renewal gets a thread. Timing from the run
      // is client-go's (its attempt never waits for a thread) and as safe: the write comes after. A
      // leader's next attempt keeps the cadence of hand-ins (nextLeaderAttemptNanos), so a queue does
      // not stretch the renewal period.
      long began = outcome != null ? attempt.startedNanos() : startNanos;
      continueLoop(r, startNanos, began, adopt(snapshot, outcome, error));
    }));
  }

  /**
   * Whether this follower last saw the lock without a leader: released, or its lease expired. Its
   * attempt then is a {@link LockCallPriority#HANDOVER}: an election without a leader waits on it,
   * and in a saturated pool a follower's call waited for as long as leaders' calls kept arriving (a
   * graceful handover under load took 904 ms at its p99), and a leader's call for as long as the
   * queue of renewals. A candidate that has not yet read the lock (a start-up herd) stays a
   * follower.
   */
  private static boolean leaderGone(Observation seen, long nowNanos) {
    return seen != Observation.NONE
        && (seen.record().holderIdentity().isEmpty() || !seen.isLeaseValid(nowNanos));
  }

  /**
   * Takes in what an attempt saw, and returns its outcome, or null when the call failed.
   *
   * <p>The attempt worked on a copy taken when it began; a watch may have delivered a newer record
   * meanwhile. A failed attempt that saw nothing newer must not put the older copy back (a follower
   * would report a released lock, or the wrong holder); then the lock's cached version does not
   * belong to the observation kept, so the next write reads first.
   */
  private Outcome adopt(Observation snapshot, Outcome outcome, Throwable error) {
    if (error != null) {
      lockStateTrusted = false;
      noteTrouble("attempt on lock " + lock.describe() + " failed: " + error);
      maybeReportTransition();
      return null;
    }
    if (outcome.storeError()) {
      noteTrouble(outcome.failure());
    } else if (troubledAttempts > 0) {
      LOG.info("{}: lock {} works again after {} failed attempts", identity, lock.describe(), troubledAttempts);
      troubledAttempts = 0;
    }
    Observation seen = outcome.observation();
    if (outcome.succeeded() || (seen != snapshot && seen.observedNanos() - observed.observedNanos() >= 0)) {
      lockStateTrusted = true;
      observed = seen;
    } else {
      lockStateTrusted = seen == snapshot && observed == snapshot;
    }
    if (!outcome.succeeded()) {
      LOG.debug("{}: failed to acquire or renew lease {}: {}", identity, lock.describe(), outcome.failure());
    } else if (outcome.slowPath()) {
      metrics.slowPathExercised(config.name());
    }
    maybeReportTransition();
    return outcome;
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

  /**
   * @param startNanos when the attempt was handed to a lock-call thread: the next one follows
   *     retryPeriod after it
   * @param beganNanos when the attempt began to run (after any wait for a thread): a term it wrote
   *     runs renewDeadline from then
   * @param outcome the attempt's outcome; null when its call failed or was skipped
   */
  private void continueLoop(Run r, long startNanos, long beganNanos, Outcome outcome) {
    if (r.state == State.ACQUIRING) {
      acquire(r, startNanos, beganNanos, outcome);
    } else {
      renew(r, startNanos, beganNanos, outcome);
    }
  }

  // ---- acquire: client-go's acquire loop, one step per attempt ------------------------------

  /** Leads after a successful attempt; otherwise tries again after a jittered retryPeriod (or when a watched lease expires). */
  private void acquire(Run r, long startNanos, long beganNanos, Outcome outcome) {
    if (outcome != null && outcome.foreign() == Foreign.CHANGED && foreignChangeEndsRun(r)) {
      return;
    }
    if (outcome != null && outcome.succeeded()) {
      becomeLeader(r, startNanos, beganNanos, outcome);
    } else {
      scheduleAttempt(r, nextAcquireDelay(r, outcome, runtime.nanoTime()));
    }
  }

  /**
   * Notes a change of the record under this identity that this elector did not write. The first may
   * be a crashed earlier run's last write; a second proves another live process with this identity,
   * and ends the run with an {@link IdentityConflictException}.
   *
   * @return whether the run ended
   */
  private boolean foreignChangeEndsRun(Run r) {
    if (++r.foreignChanges >= 2) {
      r.failure = new IdentityConflictException(identity, lock.describe(),
          "the record under this identity was rewritten while this candidate, not leading, waited");
      LOG.error("{}: {}", identity, r.failure.getMessage());
      endRun(r);
      return true;
    }
    LOG.warn("{}: the record of {} names this candidate but was not written by this run: a crashed earlier run "
        + "of {} (taken over once its lease expires) or another process with the same identity", identity,
        lock.describe(), identity);
    return false;
  }

  /** client-go polls with jitter; with a watch, a follower waits exactly until the lease it saw expires. */
  private long nextAcquireDelay(Run r, Outcome outcome, long now) {
    Observation o = observed;
    if (r.watch != null && outcome != null && !o.record().holderIdentity().isEmpty() && !o.isHeldBy(identity)
        && o.isLeaseValid(now)) {
      return o.expiryNanos() - now;
    }
    return jitteredRetryNanos();
  }

  /** ACQUIRING to LEADING: the term begins at the start of the attempt that wrote it. */
  private void becomeLeader(Run r, long startNanos, long beganNanos, Outcome outcome) {
    long token = outcome.revision().isPresent()
        ? outcome.revision().getAsLong()
        : outcome.observation().record().leaderTransitions();
    Term term = new Term(new LeaderContext(identity, lock.describe(), token, runtime::nanoTime,
        beganNanos + renewDeadlineNanos));
    r.term = term;
    moveTo(r, State.LEADING);
    // A leader learns everything through its renewals and never acts on a notification; a run that
    // stops leading ends. Holding the watch would only make the store send it each of its own renewals.
    closeWatch(r);
    LOG.info("{}: successfully acquired lease {}", identity, lock.describe());
    recordEvent("became leader");
    metrics.leaderOn(config.name());
    term.work = CompletableFuture.runAsync(() -> {
      try {
        callbacks.onStartedLeading(term.context);
      } catch (RuntimeException | Error e) {
        LOG.error("{}: onStartedLeading failed", identity, e);
      }
    }, runtime.callbackExecutor());
    scheduleDeadline(r);
    scheduleAttempt(r, nextLeaderAttemptNanos(startNanos, beganNanos) - runtime.nanoTime());
  }

  // ---- renew: client-go's renew loop, one step per attempt ----------------------------------

  /**
   * Extends the term after a successful renewal (to renewDeadline after the attempt began to run)
   * and renews again retryPeriod after this attempt was handed in; stops once the term's deadline
   * passed, or at once when the store names another holder or holds a record under this identity
   * that this elector did not write.
   */
  private void renew(Run r, long startNanos, long beganNanos, Outcome outcome) {
    if (termOver(r)) {
      loseToDeadline(r);
      return;
    }
    if (outcome != null && outcome.succeeded()) {
      r.term.context.extendDeadline(beganNanos + renewDeadlineNanos);
      scheduleDeadline(r);
    } else if (outcome != null && outcome.foreign() != Foreign.NO) {
      r.failure = new IdentityConflictException(identity, lock.describe(),
          "the leader's renewal found the record rewritten by another process under the same identity");
      LOG.error("{}: {}; leadership is lost", identity, r.failure.getMessage());
      stopLeading(r, false, "another process uses this identity");
      return;
    } else if (outcome != null && !observed.record().holderIdentity().isEmpty() && !observed.isHeldBy(identity)) {
      // The store names another holder: leadership is already gone, waiting for renewDeadline
      // (as client-go does) would only let this candidate's work overlap the new leader's.
      LOG.warn("{}: lock {} is now held by {}; leadership is lost", identity, lock.describe(),
          observed.record().holderIdentity());
      stopLeading(r, false, "another candidate holds the lock");
      return;
    }
    scheduleAttempt(r, nextLeaderAttemptNanos(startNanos, beganNanos) - runtime.nanoTime());
  }

  /**
   * When a leader attempts next: retryPeriod after this attempt was handed in (client-go's ticker),
   * but no sooner than half a retryPeriod after it began to run. A queue's usual wait leaves the
   * cadence as it is; a long one (the store stalled for seconds, and every leader's renewal waited
   * behind it) would otherwise hand every overdue renewal in again the moment it returns, so that the
   * renewals of thousands of leaders stay bunched into one wave per retryPeriod, each wave as late as
   * the queue is long. Half a retryPeriod after its run spreads them again in the order they were
   * served.
   */
  private long nextLeaderAttemptNanos(long startNanos, long beganNanos) {
    long cadence = startNanos + retryPeriodNanos;
    long spread = beganNanos + retryPeriodNanos / 2;
    return cadence - spread >= 0 ? cadence : spread;
  }

  private void scheduleDeadline(Run r) {
    Term term = r.term;
    if (term.deadlineTimer != null) {
      term.deadlineTimer.cancel();
    }
    long delay = term.deadlineNanos() - runtime.nanoTime();
    term.deadlineTimer = runtime.schedule(Duration.ofNanos(Math.max(0, delay)), () -> events.execute(() -> {
      if (r.state == State.LEADING && termOver(r)) {
        loseToDeadline(r);
      }
    }));
  }

  /** Whether the term's validity deadline (last successful renewal's start + renewDeadline) has passed. */
  private boolean termOver(Run r) {
    return runtime.nanoTime() - r.term.deadlineNanos() >= 0;
  }

  private void loseToDeadline(Run r) {
    LOG.warn("{}: failed to renew lease {} within renewDeadline {}; leadership is lost", identity,
        lock.describe(), config.renewDeadline());
    stopLeading(r, config.releaseOnCancel(), "renew deadline passed");
  }

  // ---- stopping, and the release path --------------------------------------------------------

  /**
   * LEADING to STOPPING: cancels the term, waits for the leader's work (at most leaseDuration),
   * runs onStoppedLeading, then releases if asked to and ends the run.
   */
  private void stopLeading(Run r, boolean release, String why) {
    LOG.info("{}: stopping leadership of {} ({})", identity, lock.describe(), why);
    moveTo(r, State.STOPPING);
    cancelTimers(r);
    metrics.leaderOff(config.name());
    Term term = r.term;
    term.context.cancel();
    CompletableFuture<Void> workDone = term.work;
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
      runStoppedCallback().whenComplete((x, y) -> events.execute(() -> {
        if (release) {
          release(r, 0);
        } else {
          finishRun(r);
        }
      }));
    }));
  }

  /**
   * Runs a lock call on the runtime's lock-call pool while {@link #lockCallBusy} is held, and frees it
   * when the call returns. A call still queued when its answer is given up (the pool is saturated, as
   * when thousands of electors share it past the store's ceiling) never runs: the elector has already
   * counted it as failed, and running it later would spend a lock-call thread on an answer nobody
   * waits for while the live calls of every other elector queue behind it, until none answers in time.
   * Such a call touched nothing, so {@code lockCallBusy} is freed at once.
   */
  private <T> CompletableFuture<T> callHoldingLock(Callable<T> call, Duration timeout, LockCallPriority priority) {
    AtomicBoolean claimed = new AtomicBoolean();
    CompletableFuture<T> answer = new CompletableFuture<>();
    runtime.<T>callLock(() -> {
      if (!claimed.compareAndSet(false, true)) {
        return null;   // given up before it started: it reaches nothing
      }
      try {
        return call.call();
      } finally {
        lockCallBusy.set(false);
        runWhenLockCallFree();
      }
    }, timeout, priority).whenComplete((value, error) -> {
      if (claimed.compareAndSet(false, true)) {
        lockCallBusy.set(false);   // never started, and now never will
        runWhenLockCallFree();
      }
      if (error != null) {
        answer.completeExceptionally(error);
      } else {
        answer.complete(value);
      }
    });
    return answer;
  }

  /** Runs what waits for {@link #lockCallBusy} to be free (a release), once. */
  private void runWhenLockCallFree() {
    // Every lock call passes here: a plain read first, so that the common case writes nothing.
    Runnable waiting = whenLockCallFree.get() == null ? null : whenLockCallFree.getAndSet(null);
    if (waiting != null) {
      waiting.run();
    }
  }

  /**
   * client-go's release: holder "", leaseDurationSeconds 1, acquire = renew = now, transitions kept.
   * One {@link ReleaseAttempt} reads, checks that the record is still this elector's term and writes,
   * so nothing an earlier (perhaps abandoned) call did can make it overwrite another holder's record.
   */
  private void release(Run r, int attemptNo) {
    if (!observed.isHeldBy(identity) || attemptNo >= MAX_RELEASE_ATTEMPTS) {
      finishRun(r);
      return;
    }
    if (!lockCallBusy.compareAndSet(false, true)) {
      // A renewal still holds the lock instance (queued behind other electors' calls, or hung): try
      // again the moment it lets go, or once the retry period has passed, whichever comes first.
      // Waiting the retry period alone cost a handover up to 4 s whenever the step-down came while
      // the leader's renewal waited for a thread (1 handover in 20 under 10,000 etcd elections).
      AtomicBoolean once = new AtomicBoolean();
      Runnable again = () -> {
        if (once.compareAndSet(false, true)) {
          events.execute(() -> release(r, attemptNo + 1));
        }
      };
      whenLockCallFree.set(again);
      if (!lockCallBusy.get()) {
        runWhenLockCallFree();   // it let go meanwhile
      }
      runtime.schedule(config.retryPeriod(), again);
      return;
    }
    ReleaseAttempt attempt = new ReleaseAttempt(lock, runtime, ownTerms);
    callHoldingLock(attempt::call, config.renewDeadline(), LockCallPriority.HANDOVER).whenComplete((result, error) -> events.execute(() -> {
      if (error != null) {
        lockStateTrusted = false;
        Throwable cause = unwrap(error);
        LOG.warn("{}: failed to release lock {}: {}", identity, lock.describe(), cause.toString());
        if (cause instanceof TimeoutException) {
          finishRun(r);
        } else {
          runtime.schedule(config.retryPeriod(), () -> events.execute(() -> release(r, attemptNo + 1)));
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
          observed = new Observation(current.record(), current.raw(), now);
        }
        LOG.info("{}: not releasing lease {}: the record is no longer this candidate's term (holder \"{}\")",
            identity, lock.describe(), current.record().holderIdentity());
      } else if (result instanceof ReleaseAttempt.GaveUp gaveUp) {
        LOG.warn("{}: did not release lease {}: {}", identity, lock.describe(), gaveUp.why());
      } else {
        LOG.info("{}: not releasing lease {}: there is no record", identity, lock.describe());
      }
      maybeReportTransition();
      finishRun(r);
    }));
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  /** ACQUIRING to STOPPING: ends a run that was not leading. */
  private void endRun(Run r) {
    moveTo(r, State.STOPPING);
    cancelTimers(r);
    runStoppedCallback().whenComplete((x, y) -> events.execute(() -> finishRun(r)));
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

  /** STOPPING to STOPPED: completes the run's future. */
  private void finishRun(Run r) {
    closeWatch(r);
    moveTo(r, State.STOPPED);
    if (r.failure != null) {
      r.done.completeExceptionally(r.failure);
    } else {
      r.done.complete(null);
    }
  }

  private void cancelTimers(Run r) {
    if (r.attemptTimer != null) {
      r.attemptTimer.cancel();
      r.attemptTimer = null;
    }
    Term term = r.term;
    if (term != null && term.deadlineTimer != null) {
      term.deadlineTimer.cancel();
      term.deadlineTimer = null;
    }
  }

  // ---- notifications -------------------------------------------------------------------------

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

  // ---- the optional watch: followers only ----------------------------------------------------

  /** Runs on a lock-call thread, inside an attempt, so it never overlaps another lock call. */
  private void openWatch(Run r) {
    try {
      RecordWatch w = ((WatchableResourceLock) lock).watch(rec -> events.execute(() -> onWatchedRecord(r, rec)));
      events.execute(() -> {
        if (r.isActive()) {
          r.watch = w;
          r.watching = Watching.OPEN;
        } else {
          w.close();
        }
      });
    } catch (LockException | RuntimeException e) {
      LOG.warn("{}: could not watch lock {}, polling instead for this run: {}", identity, lock.describe(), e.toString());
      events.execute(() -> r.watching = Watching.REFUSED);
    }
  }

  private void closeWatch(Run r) {
    if (r.watch != null) {
      r.watch.close();
      r.watch = null;
    }
  }

  private void onWatchedRecord(Run r, ObservedRecord record) {
    // Only followers act on notifications; a leader learns of trouble through its renewals.
    if (r.state != State.ACQUIRING || r.watch == null) {
      return;
    }
    if (record == null) {
      scheduleAttempt(r, 0);
      return;
    }
    if (Arrays.equals(record.raw(), observed.raw())) {
      // The same bytes written again: a renewal within the same second (times have whole seconds).
      // The notification proves the write happened now, so the lease runs from now.
      observed = observed.withRecord(observed.record(), runtime.nanoTime());
      if (!lockCallBusy.get()) {
        scheduleAttempt(r, observed.expiryNanos() - runtime.nanoTime());
      }
      return;
    }
    observed = new Observation(record.record(), record.raw(), runtime.nanoTime());
    maybeReportTransition();
    if (record.record().holderIdentity().equals(identity) && !ownTerms.contains(record.record())
        && foreignChangeEndsRun(r)) {
      return;
    }
    if (record.record().holderIdentity().isEmpty()) {
      scheduleAttempt(r, 0);
    } else if (!lockCallBusy.get()) {
      scheduleAttempt(r, observed.expiryNanos() - runtime.nanoTime());
    }
  }
}
