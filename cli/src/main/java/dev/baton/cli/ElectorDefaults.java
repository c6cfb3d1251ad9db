package dev.baton.cli;

import dev.baton.leaderelection.LeaderElectionConfig;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;

/**
 * The defaults of {@code baton run}'s elector durations, taken from {@link LeaderElectionConfig}'s
 * {@code DEFAULT_*} (an annotation's {@code defaultValue} can hold only a literal). Usage help shows
 * them in Go's syntax, as they are typed.
 */
final class ElectorDefaults implements CommandLine.IDefaultValueProvider {

  /** The default of each duration option, by its name. */
  static final Map<String, Duration> DURATIONS = Map.of(
      "--lease-duration", LeaderElectionConfig.DEFAULT_LEASE_DURATION,
      "--renew-deadline", LeaderElectionConfig.DEFAULT_RENEW_DEADLINE,
      "--retry-period", LeaderElectionConfig.DEFAULT_RETRY_PERIOD);

  @Override
  public String defaultValue(CommandLine.Model.ArgSpec argument) {
    if (argument instanceof CommandLine.Model.OptionSpec option) {
      Duration value = DURATIONS.get(option.longestName());
      return value == null ? null : Durations.format(value);
    }
    return null;
  }
}
