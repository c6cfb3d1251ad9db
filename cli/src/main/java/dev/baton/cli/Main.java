package dev.baton.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code baton} program. */
@Command(name = "baton", mixinStandardHelpOptions = true, version = "baton 0.1.0",
    subcommands = {RunCommand.class, StatusCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
    description = {"Leader election on Kubernetes Leases, etcd, ZooKeeper and more.",
        "Runs a command only while this process leads, shows a lock's state, or demonstrates failovers.",
        "'baton help COMMAND' or 'baton COMMAND --help' describes each command."})
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
   * A usage error is its one line and a hint, not the whole help: a forgotten {@code --} before the
   * command of {@code run} is named as such.
   */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("baton: " + e.getMessage());
    boolean inRun = "run".equals(cmd.getCommandName());
    if (inRun && !Arrays.asList(args).contains("--")
        && (e instanceof CommandLine.UnmatchedArgumentException || e instanceof CommandLine.MissingParameterException)) {
      err.println("baton: put -- before the command to run: baton run [OPTIONS] -- COMMAND [ARGS...]");
    }
    err.println("baton: see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
    err.flush();
    return ExitCodes.USAGE;
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
    cli.setParameterExceptionHandler(Main::usageError);
    cli.setUsageHelpWidth(100);
    return cli.execute(args);
  }
}
