package dev.baton.cli;

import dev.baton.leaderelection.IdentityConflictException;
import dev.baton.leaderelection.LeaderCallbacks;
import dev.baton.leaderelection.LeaderContext;
import dev.baton.leaderelection.LeaderElectionConfig;
import dev.baton.leaderelection.LeaderElector;
import dev.baton.leaderelection.LeaderHealthCheck;
import dev.baton.leaderelection.resourcelock.LockException;
import dev.baton.leaderelection.resourcelock.RecordNotFoundException;
import dev.baton.leaderelection.resourcelock.ResourceLock;
import dev.baton.leaderelection.resourcelock.TransientLockException;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** {@code baton run}: runs a command only while this process leads. */
@Command(name = "run", mixinStandardHelpOptions = true, defaultValueProvider = ElectorDefaults.class,
    description = {"Joins the election and runs COMMAND while this process leads.",
        "COMMAND starts when leadership is won and is stopped (TERM, then KILL after --grace-period) when it is lost.",
        "When COMMAND exits, or on SIGHUP, SIGINT or SIGTERM, baton stops it and releases the lock.",
        "Exit status: COMMAND's own when it exited by itself; 0 after a signal; 3 when leadership was lost;",
        "5 when another process uses the same --identity; 1 when the lock cannot be set up; 2 for usage errors."})
final class RunCommand implements Callable<Integer> {

  @Mixin
  LockOptions lock = new LockOptions();

  @Option(names = "--identity", defaultValue = "${env:POD_NAME}",
      description = "this candidate's unique identity (default: POD_NAME, else hostname-pid)")
  String identity;

  @Option(names = "--lease-duration", converter = Durations.class,
      description = {"how long followers wait after the last renewal they saw before they take over; must exceed",
          "--renew-deadline by at least 1s (default ${DEFAULT-VALUE})"})
  Duration leaseDuration;

  @Option(names = "--renew-deadline", converter = Durations.class,
      description = {"how long the leader keeps leading without a successful renewal; must exceed 1.2 x --retry-period",
          "(default ${DEFAULT-VALUE})"})
  Duration renewDeadline;

  @Option(names = "--retry-period", converter = Durations.class,
      description = "how often the leader renews and followers try to acquire (default ${DEFAULT-VALUE})")
  Duration retryPeriod;

  @Option(names = "--grace-period", defaultValue = "10s", converter = Durations.class,
      description = "how long COMMAND may take to exit after TERM before it is killed (default ${DEFAULT-VALUE})")
  Duration gracePeriod;

  @Option(names = "--http", paramLabel = "HOST:PORT",
      description = "serve GET /leader (JSON) and GET /healthz (the watchdog) on this address; port 0 picks one")
  String http;

  @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "the command to run while leading, after --")
  List<String> command;

  @Override
  public Integer call() throws Exception {
    String id = identity != null && !identity.isBlank() ? identity : defaultIdentity();
    try {
      // Durations first: a wrong one is a usage error, found before anything touches the store.
      LeaderElectionConfig.checkDurations(leaseDuration, renewDeadline, retryPeriod);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage() + " (--lease-duration > --renew-deadline + 1s, "
          + "--renew-deadline > 1.2 x --retry-period)", e);
    }
    ResourceLock resourceLock = lock.newLock(id, renewDeadline);
    try {
      preflight(resourceLock);
      ResourceLock reporting = ReachabilityReport.wrap(resourceLock);
      LeaderHealthCheck health = new LeaderHealthCheck(Duration.ofSeconds(5));
      CompletableFuture<Integer> outcome = new CompletableFuture<>();
      Callbacks callbacks = new Callbacks(id, outcome);
      LeaderElectionConfig config;
      try {
        config = LeaderElectionConfig.builder()
            .lock(reporting).leaseDuration(leaseDuration).renewDeadline(renewDeadline).retryPeriod(retryPeriod)
            .releaseOnCancel(true).watchdog(health).callbacks(callbacks).build();
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
      }
      LeaderElector elector = new LeaderElector(config);
      LeaderHttpServer server = http == null ? null : LeaderHttpServer.start(http, elector, health, resourceLock);
      if (server != null) {
        Console.say("serving " + server.url() + "leader and " + server.url() + "healthz");
      }
      // HUP, INT and TERM alike: the first stops the command gracefully and releases the lock; the next
      // kills the command at once (the lock is still released after it is gone). The handlers stay until
      // the release is done, so no signal can end baton while its command runs. (QUIT is the JVM's
      // thread-dump signal and cannot be taken over.)
      AtomicInteger signals = new AtomicInteger();
      Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
      for (String name : STOP_SIGNALS) {
        Signal signal = new Signal(name);
        previous.put(signal, Signal.handle(signal, s -> {
          if (signals.incrementAndGet() == 1) {
            Console.say("SIG" + s.getName() + ": stopping the command and releasing the lock "
                + "(signal again to kill the command at once)");
            outcome.complete(ExitCodes.OK);
          } else {
            Console.say("SIG" + s.getName() + " again: killing the command");
            callbacks.killCommand();
          }
        }));
      }
      CompletableFuture<Void> run = elector.start();
      run.whenComplete((v, e) -> outcome.complete(ExitCodes.LEADERSHIP_LOST));
      int code = outcome.join();
      try {
        long limit = leaseDuration.multipliedBy(2).plus(gracePeriod).toMillis();
        if (code != ExitCodes.LEADERSHIP_LOST) {
          elector.stepDown().get(limit, TimeUnit.MILLISECONDS);
        } else {
          elector.cancel().get(limit, TimeUnit.MILLISECONDS);
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof IdentityConflictException conflict) {
          Console.say("" + conflict.getMessage());
          code = ExitCodes.IDENTITY_CONFLICT;
        } else {
          throw e;
        }
      } finally {
        previous.forEach(Signal::handle);
        if (server != null) {
          server.close();
        }
      }
      return code;
    } finally {
      if (resourceLock instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
  }

  /** How long the first read may keep failing transiently: a cold client's first call (connection, TLS, class loading) can outlast one call timeout. */
  static final Duration PREFLIGHT_PATIENCE = Duration.ofSeconds(10);

  /**
   * Reads the lock before joining, so an unreachable store is one clear line instead of endless
   * retries. Transient failures are retried for {@link #PREFLIGHT_PATIENCE}; the last one is reported.
   */
  private void preflight(ResourceLock resourceLock) {
    long deadline = System.nanoTime() + PREFLIGHT_PATIENCE.toNanos();
    while (true) {
      try {
        resourceLock.get();
        return;
      } catch (RecordNotFoundException fine) {
        return;   // The first candidate creates it.
      } catch (TransientLockException e) {
        if (System.nanoTime() - deadline >= 0) {
          throw new CliException(ExitCodes.SETUP, "cannot reach the lock store within " + PREFLIGHT_PATIENCE.toSeconds()
              + " s: " + e.getMessage() + lock.diagnoseConnection().map(d -> "; probing it: " + d).orElse(""), e);
        }
        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
      } catch (LockException e) {
        throw new CliException(ExitCodes.SETUP, e.getMessage(), e);
      }
    }
  }

  static String defaultIdentity() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "localhost";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  /**
   * The command's environment: baton's, less baton's own secrets (the command gets neither the values
   * nor the variables), plus the term's identity, fencing token and lock.
   */
  static void commandEnvironment(java.util.Map<String, String> environment, String id, long fencingToken,
      String lockDescription) {
    LockOptions.SECRET_ENVIRONMENT.forEach(environment::remove);
    environment.put("BATON_IDENTITY", id);
    environment.put("BATON_FENCING_TOKEN", Long.toString(fencingToken));
    environment.put("BATON_LOCK", lockDescription);
  }

  /** The signals that end a run: the first gracefully, the next by killing the command. */
  static final List<String> STOP_SIGNALS = List.of("HUP", "INT", "TERM");

  /** Runs COMMAND for the length of a term, and reports how the run ended. */
  private final class Callbacks implements LeaderCallbacks {
    private final String id;
    private final CompletableFuture<Integer> outcome;
    private volatile CommandStopper running;

    /** Kills the running command and everything it started at once. */
    void killCommand() {
      CommandStopper stopper = running;
      if (stopper != null) {
        stopper.kill();
      }
    }

    Callbacks(String id, CompletableFuture<Integer> outcome) {
      this.id = id;
      this.outcome = outcome;
    }

    @Override
    public void onStartedLeading(LeaderContext term) {
      Console.say("" + id + " leads " + term.lockDescription() + "; starting " + String.join(" ", command));
      ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
      commandEnvironment(builder.environment(), id, term.fencingToken(), term.lockDescription());
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        Console.say("cannot start " + command.get(0) + ": " + e.getMessage());
        outcome.complete(127);
        return;
      }
      CommandStopper stopper = new CommandStopper(process, gracePeriod);
      running = stopper;
      term.cancellation().thenRun(stopper::stop);
      int exit = stopper.awaitExit();
      running = null;
      if (term.isLeading()) {
        Console.say("" + String.join(" ", command) + " exited with status " + exit + "; releasing the lock");
        outcome.complete(exit);
      }
    }

    @Override
    public void onStoppedLeading() {
      if (!outcome.isDone()) {
        Console.say("" + id + " lost leadership; the command was stopped");
        outcome.complete(ExitCodes.LEADERSHIP_LOST);
      }
    }

    @Override
    public void onNewLeader(String leader) {
      Console.say("leader is " + (leader.isEmpty() ? "(none)" : leader));
    }
  }
}
