package dev.baton.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.leaderelection.LeaderCallbacks;
import dev.baton.leaderelection.LeaderContext;
import dev.baton.leaderelection.LeaderElectionConfig;
import dev.baton.leaderelection.LeaderElector;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apiguardian.api.API;

/**
 * Electors for a backend's own failure tests: each reports to one {@link LeadershipHistory}, and
 * {@link #close()} stops them all and closes what the test registered, in reverse order.
 *
 * <p>Each elector's lock calls are noted in a {@link LockCallLog}, whose report the waits here append
 * to their failures. On real time the electors' lock calls run on a pool of their own, closed with
 * the candidates, so calls that hung in an earlier test cannot starve these electors.
 *
 * <pre>{@code
 * try (Candidates candidates = new Candidates(TimeDriver.realTime(), ElectorTimings.REAL_TIME)) {
 *   candidates.start("a", lockA);
 *   candidates.start("b", lockB);
 *   String leader = candidates.awaitLeader(Duration.ofSeconds(5));
 *   ...
 *   candidates.history().assertNoOverlap();
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class Candidates implements AutoCloseable {
  private final TimeDriver time;
  private final Optional<IsolatedLockCalls> lockCalls;
  private final ElectorTimings timings;
  private final LeadershipHistory history;
  private final LockCallLog callLog;
  private final List<LeaderElector> electors = new ArrayList<>();
  private final List<AutoCloseable> resources = new ArrayList<>();

  /**
   * @param time the time the electors run on
   * @param timings their durations
   */
  public Candidates(TimeDriver time, ElectorTimings timings) {
    IsolatedLockCalls.Isolated isolated = IsolatedLockCalls.isolate(time);
    this.time = isolated.time();
    this.lockCalls = isolated.pool();
    this.timings = timings;
    this.history = new LeadershipHistory(time);
    this.callLog = new LockCallLog(time);
  }

  /** Who led when. */
  public LeadershipHistory history() {
    return history;
  }

  /** What the electors' locks did. */
  public LockCallLog callLog() {
    return callLog;
  }

  /** The durations the electors use. */
  public ElectorTimings timings() {
    return timings;
  }

  /**
   * Builds and starts an elector.
   *
   * @param identity the candidate
   * @param lock its lock
   * @return the started elector
   */
  public LeaderElector start(String identity, ResourceLock lock) {
    return start(identity, lock, b -> { });
  }

  /**
   * Builds and starts an elector with changes to its configuration.
   *
   * @param identity the candidate
   * @param lock its lock
   * @param tweak changes, such as {@code b -> b.releaseOnCancel(true)}
   * @return the started elector
   */
  public synchronized LeaderElector start(String identity, ResourceLock lock, Consumer<LeaderElectionConfig.Builder> tweak) {
    LeaderElectionConfig.Builder b = LeaderElectionConfig.builder()
        .lock(callLog.wrap(identity, lock)).leaseDuration(timings.leaseDuration()).renewDeadline(timings.renewDeadline())
        .retryPeriod(timings.retryPeriod()).runtime(time.runtime())
        .callbacks(new LeaderCallbacks() {
          @Override
          public void onStartedLeading(LeaderContext context) {
            history.started(identity, context);
          }

          @Override
          public void onStoppedLeading() {
            history.stopped(identity);
          }
        });
    tweak.accept(b);
    LeaderElector elector = new LeaderElector(b.build());
    electors.add(elector);
    elector.start();
    return elector;
  }

  /**
   * Registers something to close after the electors stopped (a lock, a client, a server, a proxy).
   *
   * @param resource what to close
   * @param <T> its type
   * @return {@code resource}
   */
  public synchronized <T extends AutoCloseable> T closeLater(T resource) {
    resources.add(resource);
    return resource;
  }

  /**
   * Waits until exactly one term is open and returns its leader, failing the test otherwise.
   *
   * @param limit the most time to wait
   * @return the leader
   */
  public String awaitLeader(Duration limit) {
    Optional<Duration> took = time.awaitUntil(() -> history.openTerms() == 1, limit);
    if (took.isEmpty()) {
      fail("no leader within " + limit + ": " + history + "\n" + callLog.report());
    }
    return history.currentLeader().orElseThrow();
  }

  /**
   * Waits for a term after the first {@code terms} to be open and returns its leader.
   *
   * @param terms how many terms there were before
   * @param limit the most time to wait
   * @return the new leader
   */
  public String awaitNewLeader(int terms, Duration limit) {
    Optional<Duration> took = time.awaitUntil(() -> history.termCount() > terms && history.openTerms() == 1, limit);
    if (took.isEmpty()) {
      fail("no new leader within " + limit + ": " + history + "\n" + callLog.report());
    }
    return history.currentLeader().orElseThrow();
  }

  /** Stops every elector (without waiting longer than a minute) and closes the registered resources. */
  @Override
  public synchronized void close() throws Exception {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    electors.forEach(e -> stops.add(e.cancel()));
    CompletableFuture<Void> all = CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new));
    if (time.isVirtual()) {
      time.awaitUntil(all::isDone, Duration.ofMinutes(5));
    }
    try {
      all.get(1, TimeUnit.MINUTES);
    } finally {
      lockCalls.ifPresent(IsolatedLockCalls::close);
    }
    Exception failure = null;
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
