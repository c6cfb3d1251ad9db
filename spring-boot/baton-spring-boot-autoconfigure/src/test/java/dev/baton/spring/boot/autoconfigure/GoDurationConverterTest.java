package dev.baton.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationConverterTest {

  @DisplayName("Spring's and Go's duration formats parse to the same durations")
  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
      "15s, PT15S",
      "500ms, PT0.5S",
      "1m30s, PT1M30S",
      "1.5s, PT1.5S",
      "2h45m, PT2H45M",
      "1h1m1s1ms1us1ns, PT1H1M1.001001001S",
      "300us, PT0.0003S",
      "300µs, PT0.0003S",
      "15S, PT15S",
      "1d, PT24H",
      ".5s, PT0.5S",
      "PT15S, PT15S",
      "pt1m30s, PT1M30S",
      "' 10s ', PT10S",
      "15, PT15S",
      "-5s, PT-5S",
  })
  void parses(String text, String iso) {
    assertThat(GoDurationConverter.parse(text, ChronoUnit.SECONDS)).isEqualTo(Duration.parse(iso));
  }

  @DisplayName("A bare number is in the property's unit")
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"250"})
  void bareNumberUsesTheUnit(String text) {
    assertThat(GoDurationConverter.parse(text, ChronoUnit.MILLIS)).isEqualTo(Duration.ofMillis(250));
    assertThat(GoDurationConverter.parse(text, ChronoUnit.SECONDS)).isEqualTo(Duration.ofSeconds(250));
  }

  @DisplayName("Anything else is rejected with the accepted forms in the message")
  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"abc", "15x", "1m30", "s", "1.5.5s", "PTxS", "10 s", "1m-30s", "99999999999999999999h"})
  void rejects(String text) {
    assertThatThrownBy(() -> GoDurationConverter.parse(text, ChronoUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "' is not a duration")
        .hasMessageContaining("1m30s");
  }
}
