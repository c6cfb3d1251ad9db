package dev.baton.faults;

import dev.baton.faults.ElectionLog.Term;
import dev.baton.testkit.fixture.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * The candidates of one fault run on one lock: each a JVM reaching the store through its own
 * {@link TcpProxy} in the test JVM, so a fault can cut exactly one candidate off. A killed candidate
 * is replaced by a new process (incarnation) with the same identity and proxy.
 */
final class Election implements AutoCloseable {
  private static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

  private final StoreServer store;
  private final String lockName;
  private final SafetyChecker.Timings timings;
  private final Path dir;
  private final ElectionLog log = new ElectionLog();
  private final Map<String, TcpProxy> proxies = new LinkedHashMap<>();
  private final Map<String, Integer> incarnations = new LinkedHashMap<>();
  private final Map<String, CandidateProcess> current = new LinkedHashMap<>();
  private final List<CandidateProcess> all = new CopyOnWriteArrayList<>();
  /** Should the test JVM exit without close() (Ctrl-C, a Surefire timeout), candidates are killed, frozen ones too. */
  private final Thread killAtShutdown = new Thread(this::killAll, "faults-candidates-shutdown");

  Election(StoreServer store, String lockName, SafetyChecker.Timings timings, Path dir) {
    this.store = Objects.requireNonNull(store, "store");
    this.lockName = lockName;
    this.timings = timings;
    this.dir = dir;
    Runtime.getRuntime().addShutdownHook(killAtShutdown);
  }

  ElectionLog log() {
    return log;
  }

  /** Starts a candidate with a new identity, or a new incarnation of a dead one, behind its own proxy. */
  synchronized CandidateProcess start(String identity) {
    CandidateProcess running = current.get(identity);
    if (running != null && running.isAlive()) {
      throw new IllegalStateException(running + " still runs");
    }
    TcpProxy proxy = proxies.computeIfAbsent(identity, id -> TcpProxy.to("127.0.0.1", store.port()));
    int incarnation = incarnations.merge(identity, 1, Integer::sum);
    String name = identity + "#" + incarnation;
    CandidateProcess process = CandidateProcess.start(name, List.of(store.backend(), "127.0.0.1:" + proxy.port(),
        lockName, identity, Long.toString(timings.leaseDuration().toMillis()),
        Long.toString(timings.renewDeadline().toMillis()), Long.toString(timings.retryPeriod().toMillis())),
        dir, log::add);
    current.put(identity, process);
    all.add(process);
    return process;
  }

  /** The running process of a candidate. */
  synchronized CandidateProcess process(String name) {
    CandidateProcess process = current.get(Event.identityOf(name));
    if (process == null || !process.name().equals(name)) {
      throw new IllegalStateException("no running process " + name);
    }
    return process;
  }

  synchronized TcpProxy proxyOf(String identity) {
    return proxies.get(identity);
  }

  synchronized List<CandidateProcess> running() {
    return List.copyOf(current.values());
  }

  /** Kills a candidate's process with SIGKILL. */
  void kill(CandidateProcess process) {
    process.kill();
    log.processDied(process.name());
  }

  /**
   * Waits until the election is quiet: one leader acts, every candidate runs and has reported that
   * leader (so a restarted one has read the record), and no term has started or ended, no run
   * stopped and no release happened for {@code quiet}.
   *
   * @return the leader's term
   */
  Term awaitSettled(Duration quiet, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long now = System.nanoTime();
      var leader = log.activeLeader(now, Duration.ofMillis(200).toNanos());
      boolean allFollow = leader.isPresent() && running().stream().allMatch(p -> p.isAlive() && log.isReady(p.name())
          && log.hasSeenLeader(p.name(), Event.identityOf(leader.get().process())));
      if (allFollow && now - log.lastChangeNanos() >= quiet.toNanos()) {
        return leader.get();
      }
      if (now - deadline > 0) {
        throw new AssertionError("the election did not settle within " + timeout.toMillis() + " ms: "
            + log.state(now) + "; processes " + running());
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /** Waits until a process has logged READY. */
  void awaitReady(CandidateProcess process, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!log.isReady(process.name())) {
      if (!process.isAlive()) {
        throw new AssertionError(process + " exited before it was ready; see its .err file in " + dir);
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(process + " was not ready within " + timeout.toMillis() + " ms; see " + dir);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /** Ends every candidate (SIGTERM to all, then waits; SIGKILL after a grace period) and every proxy. */
  @Override
  public synchronized void close() {
    RuntimeException failure = null;
    for (CandidateProcess process : all) {
      try {
        process.terminate();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    for (CandidateProcess process : all) {
      try {
        process.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    proxies.values().forEach(TcpProxy::close);
    try {
      Runtime.getRuntime().removeShutdownHook(killAtShutdown);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Takes no lock: a test thread may hold it. A frozen candidate would never see its stdin close. */
  private void killAll() {
    for (CandidateProcess process : all) {
      process.killAtShutdown();
    }
  }
}
