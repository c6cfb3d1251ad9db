package dev.baton.spring.boot.autoconfigure;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.ConditionalGenericConverter;

/**
 * Binds {@link GoDuration @GoDuration} properties from the formats of Spring and of Go's
 * {@code time.ParseDuration} (which client-go's flags and the {@code baton} program use):
 * <ul>
 *   <li>ISO-8601: {@code PT15S}, {@code PT1M30S};</li>
 *   <li>a number and a unit, or several: {@code 15s}, {@code 500ms}, {@code 1m30s}, {@code 1.5s},
 *       {@code 2h45m}; units {@code ns}, {@code us} ({@code µs}), {@code ms}, {@code s}, {@code m},
 *       {@code h}, {@code d}, in any case;</li>
 *   <li>a bare number, in the property's {@link DurationUnit @DurationUnit} (milliseconds without
 *       one, as Spring).</li>
 * </ul>
 * Registered for configuration property binding by the auto-configuration.
 */
final class GoDurationConverter implements ConditionalGenericConverter {

  private static final Pattern BARE = Pattern.compile("[-+]?\\d+");
  private static final Pattern SIGNED = Pattern.compile("([-+]?)(.+)");
  private static final Pattern TERM = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h|d)");
  private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
      "ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L, "ms", 1_000_000L, "s", 1_000_000_000L,
      "m", 60_000_000_000L, "h", 3_600_000_000_000L, "d", 86_400_000_000_000L);

  @Override
  public Set<ConvertiblePair> getConvertibleTypes() {
    return Set.of(new ConvertiblePair(String.class, Duration.class));
  }

  @Override
  public boolean matches(TypeDescriptor sourceType, TypeDescriptor targetType) {
    return targetType.hasAnnotation(GoDuration.class);
  }

  @Override
  public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
    if (source == null || source.toString().isBlank()) {
      return null;
    }
    DurationUnit unit = targetType.getAnnotation(DurationUnit.class);
    return parse(source.toString(), unit != null ? unit.value() : ChronoUnit.MILLIS);
  }

  /**
   * Parses a duration in Spring's or Go's syntax.
   *
   * @param text such as {@code 15s}, {@code 1m30s}, {@code 1.5s}, {@code PT15S} or {@code 15}
   * @param bareUnit the unit of a bare number
   * @return the duration
   * @throws IllegalArgumentException when {@code text} is none of these, naming the accepted forms
   */
  static Duration parse(String text, ChronoUnit bareUnit) {
    String value = text.trim();
    try {
      if (BARE.matcher(value).matches()) {
        return Duration.of(Long.parseLong(value), bareUnit);
      }
      if (value.toUpperCase(Locale.ROOT).matches("[-+]?P.*")) {
        return Duration.parse(value);
      }
      Matcher signed = SIGNED.matcher(value.toLowerCase(Locale.ROOT));
      if (signed.matches()) {
        Matcher term = TERM.matcher(signed.group(2));
        BigDecimal nanos = BigDecimal.ZERO;
        int end = 0;
        while (term.lookingAt()) {
          nanos = nanos.add(new BigDecimal(term.group(1).startsWith(".") ? "0" + term.group(1) : term.group(1))
              .multiply(BigDecimal.valueOf(NANOS_PER_UNIT.get(term.group(2)))));
          end = term.end();
          term.region(end, signed.group(2).length());
        }
        if (end > 0 && end == signed.group(2).length()) {
          long total = nanos.setScale(0, RoundingMode.DOWN).longValueExact();
          return Duration.ofNanos(signed.group(1).equals("-") ? -total : total);
        }
      }
    } catch (ArithmeticException | DateTimeParseException | NumberFormatException e) {
      throw invalid(text, e);
    }
    throw invalid(text, null);
  }

  private static IllegalArgumentException invalid(String text, Exception cause) {
    return new IllegalArgumentException("'" + text + "' is not a duration: write it like 15s, 500ms, 1m30s, 1.5s "
        + "or PT15S (a bare number is in the property's unit)", cause);
  }
}
