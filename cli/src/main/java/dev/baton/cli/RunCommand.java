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
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** {@code baton run}: runs a command only while this process leads. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Joins the election and runs COMMAND while this process leads.",
        "COMMAND starts when leadership is won and is stopped (TERM, then KILL after the grace period) when it is lost;",
        "when COMMAND exits, or on Ctrl-C / SIGTERM, the lock is released. Exit status: COMMAND's own when it exited,",
        "0 after Ctrl-C or SIGTERM, 3 when leadership was lost, 5 when another process uses the same --identity,",
        "1 when the lock cannot be set up, 2 for usage errors."})
final class RunCommand implements Callable<Integer> {

  @Mixin
  LockOptions lock = new LockOptions();

  @Option(names = "--identity", defaultValue = "${env:POD_NAME}",
      description = "this candidate's unique identity (default: POD_NAME, else hostname-pid)")
  String identity;

  @Option(names = "--lease-duration", defaultValue = "15s", converter = Durations.class, description = "default ${DEFAULT-VALUE}")
  Duration leaseDuration;

  @Option(names = "--renew-deadline", defaultValue = "10s", converter = Durations.class, description = "default ${DEFAULT-VALUE}")
  Duration renewDeadline;

  @Option(names = "--retry-period", defaultValue = "2s", converter = Durations.class, description = "default ${DEFAULT-VALUE}")
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
    ResourceLock resourceLock = lock.newLock(id, renewDeadline);
    try {
      preflight(resourceLock);
      LeaderHealthCheck health = new LeaderHealthCheck(Duration.ofSeconds(5));
      CompletableFuture<Integer> outcome = new CompletableFuture<>();
      LeaderElectionConfig config;
      try {
        config = LeaderElectionConfig.builder()
            .lock(resourceLock).leaseDuration(leaseDuration).renewDeadline(renewDeadline).retryPeriod(retryPeriod)
            .releaseOnCancel(true).watchdog(health).callbacks(new Callbacks(id, outcome)).build();
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
      }
      LeaderElector elector = new LeaderElector(config);
      LeaderHttpServer server = http == null ? null : LeaderHttpServer.start(http, elector, health, resourceLock);
      if (server != null) {
        System.err.println("baton: serving " + server.url() + "leader and " + server.url() + "healthz");
      }
      SignalHandler previousInt = Signal.handle(new Signal("INT"), s -> outcome.complete(ExitCodes.OK));
      SignalHandler previousTerm = Signal.handle(new Signal("TERM"), s -> outcome.complete(ExitCodes.OK));
      CompletableFuture<Void> run = elector.start();
      run.whenComplete((v, e) -> outcome.complete(ExitCodes.LEADERSHIP_LOST));
      int code;
      try {
        code = outcome.join();
      } finally {
        Signal.handle(new Signal("INT"), previousInt);
        Signal.handle(new Signal("TERM"), previousTerm);
      }
      try {
        long limit = leaseDuration.multipliedBy(2).plus(gracePeriod).toMillis();
        if (code != ExitCodes.LEADERSHIP_LOST) {
          elector.stepDown().get(limit, TimeUnit.MILLISECONDS);
        } else {
          elector.cancel().get(limit, TimeUnit.MILLISECONDS);
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof IdentityConflictException conflict) {
          System.err.println("baton: " + conflict.getMessage());
          code = ExitCodes.IDENTITY_CONFLICT;
        } else {
          throw e;
        }
      } finally {
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
              + " s: " + e.getMessage(), e);
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

  /** Runs COMMAND for the length of a term, and reports how the run ended. */
  private final class Callbacks implements LeaderCallbacks {
    private final String id;
    private final CompletableFuture<Integer> outcome;

    Callbacks(String id, CompletableFuture<Integer> outcome) {
      this.id = id;
      this.outcome = outcome;
    }

    @Override
    public void onStartedLeading(LeaderContext term) {
      System.err.println("baton: " + id + " leads " + term.lockDescription() + "; starting " + String.join(" ", command));
      ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
      commandEnvironment(builder.environment(), id, term.fencingToken(), term.lockDescription());
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        System.err.println("baton: cannot start " + command.get(0) + ": " + e.getMessage());
        outcome.complete(127);
        return;
      }
      CommandStopper stopper = new CommandStopper(process, gracePeriod);
      term.cancellation().thenRun(stopper::stop);
      int exit = stopper.awaitExit();
      if (term.isLeading()) {
        System.err.println("baton: " + String.join(" ", command) + " exited with status " + exit + "; releasing the lock");
        outcome.complete(exit);
      }
    }

    @Override
    public void onStoppedLeading() {
      if (!outcome.isDone()) {
        System.err.println("baton: " + id + " lost leadership; the command was stopped");
        outcome.complete(ExitCodes.LEADERSHIP_LOST);
      }
    }

    @Override
    public void onNewLeader(String leader) {
      System.err.println("baton: leader is " + (leader.isEmpty() ? "(none)" : leader));
    }
  }
}
