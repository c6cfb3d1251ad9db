package dev.baton.leaderelection;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * Durations written the way client-go users write them: Go's {@code time.ParseDuration} syntax
 * ({@code 15s}, {@code 500ms}, {@code 1m30s}, {@code 1.5h}, {@code 250us}, {@code 0}), and ISO-8601
 * ({@code PT15S}) as Java writes them. {@link #format} writes Go's form, so messages echo durations
 * in the syntax users typed.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class GoDurations {
  private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
      "ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L, "ms", 1_000_000L,
      "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

  private GoDurations() {
  }

  /**
   * Parses a duration in Go's syntax or ISO-8601.
   *
   * @param text such as {@code 15s}, {@code 1m30s}, {@code 1.5ms}, {@code -2s} or {@code PT15S}
   * @return the duration (nanosecond precision; fractions of a nanosecond are dropped, as in Go)
   * @throws IllegalArgumentException naming the text and showing the syntax, when it is not a duration
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw invalid(text);
    }
    String s = text.trim();
    if (s.length() > 1 && (s.charAt(0) == 'P' || s.charAt(0) == 'p' || s.startsWith("-P") || s.startsWith("-p"))) {
      try {
        return Duration.parse(s);
      } catch (DateTimeParseException e) {
        throw invalid(text);
      }
    }
    boolean negative = false;
    int i = 0;
    if (s.charAt(0) == '-' || s.charAt(0) == '+') {
      negative = s.charAt(0) == '-';
      i = 1;
    }
    if (s.substring(i).equals("0")) {
      return Duration.ZERO;
    }
    if (i == s.length()) {
      throw invalid(text);
    }
    BigDecimal total = BigDecimal.ZERO;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      String number = s.substring(start, i);
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      Long unit = NANOS_PER_UNIT.get(s.substring(unitStart, i));
      if (number.isEmpty() || number.equals(".") || unit == null || number.indexOf('.') != number.lastIndexOf('.')) {
        throw invalid(text);
      }
      total = total.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unit)));
    }
    BigDecimal nanos = total.setScale(0, RoundingMode.DOWN);
    if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration");
    }
    Duration d = Duration.ofNanos(nanos.longValueExact());
    return negative ? d.negated() : d;
  }

  /**
   * Writes a duration as Go does: {@code 15s}, {@code 1m30s}, {@code 1h0m0s}, {@code 1.5s},
   * {@code 500ms}, {@code 0s}.
   *
   * @param duration the duration
   * @return its Go form
   */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    if (duration.isNegative()) {
      return "-" + format(duration.negated());
    }
    long nanos;
    try {
      nanos = duration.toNanos();
    } catch (ArithmeticException e) {
      return duration.toString();
    }
    if (nanos < 1_000_000_000L) {
      if (nanos < 1_000L) {
        return nanos + "ns";
      }
      if (nanos < 1_000_000L) {
        return fraction(nanos, 1_000L) + "µs";
      }
      return fraction(nanos, 1_000_000L) + "ms";
    }
    long hours = nanos / 3_600_000_000_000L;
    long minutes = nanos / 60_000_000_000L % 60;
    long secondNanos = nanos % 60_000_000_000L;
    StringBuilder b = new StringBuilder();
    if (hours > 0) {
      b.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      b.append(minutes).append('m');
    }
    return b.append(fraction(secondNanos, 1_000_000_000L)).append('s').toString();
  }

  private static String fraction(long nanos, long unit) {
    return BigDecimal.valueOf(nanos).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("'" + text + "' is not a duration; write it like 15s, 500ms, 1m30s, 1.5h or PT15S");
  }
}
