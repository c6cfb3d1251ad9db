package dev.baton.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code baton} program. */
@Command(name = "baton", mixinStandardHelpOptions = true, version = "baton 0.1.0",
    subcommands = {RunCommand.class, StatusCommand.class, DemoCommand.class},
    description = {"Leader election on Kubernetes Leases, etcd, ZooKeeper and more.",
        "Run a command only while this process leads, show a lock's state, or watch a demo of failovers."})
public final class Main {

  @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "log Baton's decisions and print stack traces of errors")
  boolean verbose;

  /**
   * Runs the program and exits with its status.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the program and returns its exit status (for tests).
   *
   * @param args the command line
   * @return the exit status
   */
  public static int run(String... args) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    if (verbose && System.getProperty("org.slf4j.simpleLogger.log.dev.baton") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.dev.baton", "debug");
    }
    if (!verbose) {
      // gRPC, Vert.x and fabric8's mock server log through java.util.logging: warnings only.
      java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    }
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      PrintWriter err = commandLine.getErr();
      if (e instanceof CliException c) {
        err.println("baton: " + c.getMessage());
        if (verbose && c.getCause() != null) {
          c.getCause().printStackTrace(err);
        }
        err.flush();
        return c.exitCode();
      }
      err.println("baton: " + e);
      if (verbose) {
        e.printStackTrace(err);
      } else {
        err.println("baton: run with --verbose for details");
      }
      err.flush();
      return ExitCodes.SETUP;
    });
    cli.setExitCodeExceptionMapper(e -> ExitCodes.USAGE);
    return cli.execute(args);
  }
}
