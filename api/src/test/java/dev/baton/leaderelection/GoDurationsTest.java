package dev.baton.leaderelection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's duration syntax, as client-go users write durations. */
class GoDurationsTest {

  @Test
  @DisplayName("Go's syntax parses as time.ParseDuration does, and ISO-8601 too")
  void parses() {
    assertEquals(Duration.ofSeconds(15), GoDurations.parse("15s"));
    assertEquals(Duration.ofMillis(500), GoDurations.parse("500ms"));
    assertEquals(Duration.ofSeconds(90), GoDurations.parse("1m30s"));
    assertEquals(Duration.ofHours(1), GoDurations.parse("1h"));
    assertEquals(Duration.ofMinutes(90), GoDurations.parse("1.5h"));
    assertEquals(Duration.ofNanos(1_500_000), GoDurations.parse("1.5ms"));
    assertEquals(Duration.ofNanos(250_000), GoDurations.parse("250us"));
    assertEquals(Duration.ofNanos(250_000), GoDurations.parse("250µs"));
    assertEquals(Duration.ofNanos(7), GoDurations.parse("7ns"));
    assertEquals(Duration.ofMillis(2300), GoDurations.parse("2s300ms"));
    assertEquals(Duration.ofMillis(500), GoDurations.parse(".5s"));
    assertEquals(Duration.ZERO, GoDurations.parse("0"));
    assertEquals(Duration.ofSeconds(-2), GoDurations.parse("-2s"));
    assertEquals(Duration.ofSeconds(15), GoDurations.parse("PT15S"));
    assertEquals(Duration.ofSeconds(15), GoDurations.parse(" 15s "));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "15", "s", "15x", "1..5s", "soon", "15S", "1m30", "-", "P"})
  @DisplayName("Anything else is rejected with the text and the syntax")
  void rejects(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoDurations.parse(text));
    assertEquals("'" + text + "' is not a duration; write it like 15s, 500ms, 1m30s, 1.5h or PT15S", e.getMessage());
  }

  @Test
  @DisplayName("format writes Go's form")
  void formats() {
    assertEquals("15s", GoDurations.format(Duration.ofSeconds(15)));
    assertEquals("1m30s", GoDurations.format(Duration.ofSeconds(90)));
    assertEquals("1h0m0s", GoDurations.format(Duration.ofHours(1)));
    assertEquals("1.5s", GoDurations.format(Duration.ofMillis(1500)));
    assertEquals("7.999323906s", GoDurations.format(Duration.ofNanos(7_999_323_906L)));
    assertEquals("500ms", GoDurations.format(Duration.ofMillis(500)));
    assertEquals("1.5ms", GoDurations.format(Duration.ofNanos(1_500_000)));
    assertEquals("250µs", GoDurations.format(Duration.ofNanos(250_000)));
    assertEquals("0s", GoDurations.format(Duration.ZERO));
    assertEquals("-2s", GoDurations.format(Duration.ofSeconds(-2)));
    for (String s : new String[] {"15s", "1m30s", "1h0m0s", "1.5s", "500ms", "250µs", "7ns"}) {
      assertEquals(s, GoDurations.format(GoDurations.parse(s)), "round trip of " + s);
    }
  }
}
