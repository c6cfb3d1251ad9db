package dev.baton.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.leaderelection.LeaderElectionConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** baton run's elector durations default to LeaderElectionConfig's, and say so in its help. */
class ElectorDefaultsTest {

  @Test
  @DisplayName("baton run without duration options uses LeaderElectionConfig's default lease duration, renew deadline and retry period")
  void defaultsAreTheElectors() {
    RunCommand run = new RunCommand();
    new CommandLine(run).parseArgs("--lock", "etcd", "--namespace", "ns", "--name", "app", "--", "true");
    assertEquals(LeaderElectionConfig.DEFAULT_LEASE_DURATION, run.leaseDuration);
    assertEquals(LeaderElectionConfig.DEFAULT_RENEW_DEADLINE, run.renewDeadline);
    assertEquals(LeaderElectionConfig.DEFAULT_RETRY_PERIOD, run.retryPeriod);
  }

  @Test
  @DisplayName("A duration given on the command line wins over the default")
  void givenWins() {
    RunCommand run = new RunCommand();
    new CommandLine(run).parseArgs("--renew-deadline", "7s", "--", "true");
    assertEquals(java.time.Duration.ofSeconds(7), run.renewDeadline);
    assertEquals(LeaderElectionConfig.DEFAULT_LEASE_DURATION, run.leaseDuration);
  }

  @Test
  @DisplayName("baton run --help shows each default in Go's syntax")
  void helpShowsDefaults() {
    String help = new CommandLine(new RunCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);
    ElectorDefaults.DURATIONS.forEach((option, value) -> {
      String entry = entry(help, option);
      assertTrue(entry.contains("(default " + Durations.format(value) + ")"), option + ": " + entry);
    });
  }

  /** The help entry of one option: its line and the description lines under it, joined. */
  private static String entry(String help, String option) {
    StringBuilder entry = new StringBuilder();
    for (String line : help.split("\\R")) {
      boolean optionLine = line.matches(" {0,8}-.*");
      if (entry.length() > 0 && optionLine) {
        break;
      }
      if (entry.length() > 0 || optionLine && line.trim().matches("(-\\w, )?" + option + "[=\\s].*")) {
        entry.append(line.trim()).append(' ');
      }
    }
    assertTrue(entry.length() > 0, option + " in " + help);
    return entry.toString();
  }
}
