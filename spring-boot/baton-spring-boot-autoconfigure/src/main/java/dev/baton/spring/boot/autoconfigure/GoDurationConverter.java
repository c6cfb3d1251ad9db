package dev.baton.spring.boot.autoconfigure;

import dev.baton.leaderelection.GoDurations;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
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
 *   <li>a number and a unit, or several, as {@link GoDurations} reads them: {@code 15s}, {@code 500ms},
 *       {@code 1m30s}, {@code 1.5s}, {@code 2h45m}; units {@code ns}, {@code us} ({@code µs}),
 *       {@code ms}, {@code s}, {@code m}, {@code h}, in any case, and Spring's whole days {@code 2d};</li>
 *   <li>a bare number, in the property's {@link DurationUnit @DurationUnit} (milliseconds without
 *       one, as Spring).</li>
 * </ul>
 * Registered for configuration property binding by the auto-configuration.
 */
final class GoDurationConverter implements ConditionalGenericConverter {

  private static final Pattern BARE = Pattern.compile("[-+]?\\d+");
  private static final Pattern DAYS = Pattern.compile("([-+]?\\d+)d");

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
      Matcher days = DAYS.matcher(value.toLowerCase(Locale.ROOT));
      if (days.matches()) {
        return Duration.ofDays(Long.parseLong(days.group(1)));
      }
      // Go's syntax and ISO-8601, as baton reads them everywhere; Spring's units are case-insensitive.
      return GoDurations.parse(value.toLowerCase(Locale.ROOT));
    } catch (ArithmeticException | NumberFormatException e) {
      throw invalid(text, e);
    } catch (IllegalArgumentException e) {
      throw invalid(text, null);   // its own words name the property's unit too
    }
  }

  private static IllegalArgumentException invalid(String text, Exception cause) {
    return new IllegalArgumentException("'" + text + "' is not a duration: write it like 15s, 500ms, 1m30s, 1.5s "
        + "or PT15S (a bare number is in the property's unit)", cause);
  }
}
