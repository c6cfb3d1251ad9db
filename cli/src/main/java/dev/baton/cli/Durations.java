package dev.baton.cli;

import dev.baton.leaderelection.GoDurations;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Reads durations the way client-go users write them ({@code 15s}, {@code 500ms}, {@code 1m30s},
 * {@code 1.5h}) or as ISO-8601 ({@code PT15S}); a negative duration is refused.
 */
public final class Durations implements CommandLine.ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /**
   * Writes a duration as it is read, in Go's syntax.
   *
   * @param duration the duration
   * @return such as {@code 1m30s}
   */
  public static String format(Duration duration) {
    return GoDurations.format(duration);
  }

  /**
   * Parses a duration.
   *
   * @param value such as {@code 15s}, {@code 500ms}, {@code 1m30s}, {@code PT15S}
   * @return the duration, never negative
   * @throws CommandLine.TypeConversionException when it is not a duration, or negative
   */
  public static Duration parse(String value) {
    Duration d;
    try {
      d = GoDurations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
    if (d.isNegative()) {
      throw new CommandLine.TypeConversionException("'" + value.trim() + "' is negative; a duration must be 0 or more");
    }
    return d;
  }
}
