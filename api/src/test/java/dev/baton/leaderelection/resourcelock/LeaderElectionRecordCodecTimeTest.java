package dev.baton.leaderelection.resourcelock;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-written RFC 3339 parser and time writer of {@link LeaderElectionRecordCodec}, branch by
 * branch, each case also held against the {@code DateTimeFormatter} of the codec before them
 * ({@link OldLeaderElectionRecordCodec}): the same text must be accepted as the same instant or
 * rejected by both.
 */
@DisplayName("LeaderElectionRecordCodec times")
class LeaderElectionRecordCodecTimeTest {

  private static Instant parse(String text) {
    char[] padded = ("##" + text + "###").toCharArray();
    return LeaderElectionRecordCodec.parseRfc3339(padded, 2, text.length());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '=', value = {
      "2026-01-02T03:04:05Z=2026-01-02T03:04:05Z",
      "2026-01-02T03:04:05.1Z=2026-01-02T03:04:05.100000000Z",
      "2026-01-02T03:04:05.12Z=2026-01-02T03:04:05.120000000Z",
      "2026-01-02T03:04:05.123Z=2026-01-02T03:04:05.123000000Z",
      "2026-01-02T03:04:05.1234Z=2026-01-02T03:04:05.123400000Z",
      "2026-01-02T03:04:05.12345Z=2026-01-02T03:04:05.123450000Z",
      "2026-01-02T03:04:05.123456Z=2026-01-02T03:04:05.123456000Z",
      "2026-01-02T03:04:05.1234567Z=2026-01-02T03:04:05.123456700Z",
      "2026-01-02T03:04:05.12345678Z=2026-01-02T03:04:05.123456780Z",
      "2026-01-02T03:04:05.123456789Z=2026-01-02T03:04:05.123456789Z",
      "2026-01-02T03:04:05.000000000Z=2026-01-02T03:04:05Z",
      "2026-01-02T03:04:05.0Z=2026-01-02T03:04:05Z",
      "2026-01-02T03:04:05.999999999Z=2026-01-02T03:04:05.999999999Z",
      "2026-01-02T08:34:05+05:30=2026-01-02T03:04:05Z",
      "2026-01-01T22:04:05-05:00=2026-01-02T03:04:05Z",
      "2026-01-02T03:04:05+00:00=2026-01-02T03:04:05Z",
      "2026-01-02T03:04:05-00:00=2026-01-02T03:04:05Z",
      "2026-01-02T03:04:05.5+01:00=2026-01-02T02:04:05.5Z",
      "2026-01-02T21:04:05+18:00=2026-01-02T03:04:05Z",
      "2026-01-01T09:04:05-18:00=2026-01-02T03:04:05Z",
      "2024-02-29T12:00:00Z=2024-02-29T12:00:00Z",
      "2000-02-29T00:00:00Z=2000-02-29T00:00:00Z",
      "0000-02-29T00:00:00Z=0000-02-29T00:00:00Z",
      "2023-02-28T23:59:59Z=2023-02-28T23:59:59Z",
      "2024-12-31T23:59:59.999999999Z=2024-12-31T23:59:59.999999999Z",
      "2024-04-30T00:00:00Z=2024-04-30T00:00:00Z",
      "2024-01-31T00:00:00Z=2024-01-31T00:00:00Z",
      "1970-01-01T00:00:00Z=1970-01-01T00:00:00Z",
      "1969-12-31T23:59:59.5Z=1969-12-31T23:59:59.5Z",
      "0001-01-01T00:00:00Z=0001-01-01T00:00:00Z",
      "0000-01-01T00:00:00Z=0000-01-01T00:00:00Z",
      "9999-12-31T23:59:59.999999999Z=9999-12-31T23:59:59.999999999Z",
      "0000-01-01T00:30:00+01:00=-0001-12-31T23:30:00Z",
      "9999-12-31T23:59:59-01:00=+10000-01-01T00:59:59Z"})
  @DisplayName("accepts whole seconds, 1 to 9 fraction digits, Z and ±hh:mm offsets up to 18 h, leap days and the ends of four-digit years")
  void accepted(String text, String expected) {
    Instant instant = Instant.parse(expected);
    assertEquals(instant, parse(text), text);
    assertEquals(instant, OldLeaderElectionRecordCodec.parseTimeForTest(text), "the oracle disagrees on " + text);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {
      "", "2026", "2026-01-02T03:04:05", "2026-01-02T03:04Z", "2026-01-02T03:04:5Z",
      "2026-01-02t03:04:05Z", "2026-01-02T03:04:05z", "2026-01-02 03:04:05Z", "2026-01-02T03:04:05+05:30Z",
      "2026-01-02T03:04:05ZZ", "2026-01-02T03:04:05Z ", " 2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z\u0000",
      "2026-01-02T03:04:05.Z", "2026-01-02T03:04:05.", "2026-01-02T03:04:05.1234567890Z", "2026-01-02T03:04:05,5Z",
      "2026-01-02T03:04:05.1", "2026-01-02T03:04:05.1x", "2026-01-02T03:04:05.+01:00",
      "2026-01-02T03:04:05+05:3", "2026-01-02T03:04:05+0530", "2026-01-02T03:04:05+05", "2026-01-02T03:04:05+05:30:00",
      "2026-01-02T03:04:05*05:30", "2026-01-02T03:04:05+05-30", "2026-01-02T03:04:05+a5:30", "2026-01-02T03:04:05+05:3a",
      "2026-01-02T03:04:05+24:00", "2026-01-02T03:04:05+18:01", "2026-01-02T03:04:05-19:00",
      "2026-01-02T03:04:05+05:60", "2026-01-02T03:04:05+23:59",
      "2026-1-02T03:04:05Z", "20260-01-02T03:04:05Z", "-2026-01-02T03:04:05Z", "+2026-01-02T03:04:05Z",
      "+026-01-02T03:04:05Z", "2026/01/02T03:04:05Z", "2026-01-02T03.04.05Z", "2026-01-02X03:04:05Z",
      "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-32T00:00:00Z",
      "2026-04-31T00:00:00Z", "2026-06-31T00:00:00Z", "2026-09-31T00:00:00Z", "2026-11-31T00:00:00Z",
      "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2024-02-30T00:00:00Z",
      "2024-12-31T24:00:00Z", "2024-12-31T23:60:00Z", "2024-12-31T23:59:60Z", "2024-12-31T99:99:99Z",
      "2024-12-31T23:59:-1Z", "a024-12-31T23:59:59Z", "2024-12-3aT23:59:59Z", "2024-12-31T2:359:59Z",
      "\uff12\uff10\uff12\uff14-12-31T23:59:59Z", "2024-12-31T23:59:59\u0662Z", "2024-12-31T23:59:59.\u0661Z",
      "2024-12-31T23:59:59.1\u00a0Z", "yesterday"})
  @DisplayName("rejects what the formatter rejected: wrong shapes, letters in the wrong case, empty or 10-digit fractions, bad offsets, impossible dates and times, non-ASCII digits")
  void rejected(String text) {
    assertNull(parse(text), text);
    assertNull(OldLeaderElectionRecordCodec.parseTimeForTest(text), "the oracle accepts " + text);
  }

  @Test
  @DisplayName("reads the offset's sign: +hh:mm is earlier in UTC, -hh:mm later")
  void offsetSign() {
    assertEquals(Instant.parse("2026-01-02T01:34:05Z"), parse("2026-01-02T03:04:05+01:30"));
    assertEquals(Instant.parse("2026-01-02T04:34:05Z"), parse("2026-01-02T03:04:05-01:30"));
  }

  /**
   * Every day of the years around each kind of leap rule (4, 100, 400), the epoch, now and the ends
   * of four-digit years, and the first and last day of every year from 0 to 9999.
   */
  private static List<LocalDate> days() {
    List<LocalDate> days = new ArrayList<>();
    for (int[] years : new int[][] {{0, 4}, {1899, 1901}, {1968, 1972}, {1999, 2001}, {2023, 2028}, {2099, 2101},
        {2399, 2401}, {9998, 9999}}) {
      for (LocalDate day = LocalDate.of(years[0], 1, 1); day.getYear() <= years[1]; day = day.plusDays(1)) {
        days.add(day);
      }
    }
    for (int year = 0; year <= 9999; year++) {
      days.add(LocalDate.of(year, 1, 1));
      days.add(LocalDate.of(year, 12, 31));
    }
    return days;
  }

  @Test
  @DisplayName("agrees with LocalDate on every day of the years around each leap rule and on the ends of every year 0 to 9999")
  void everyDay() {
    for (LocalDate day : days()) {
      for (LocalDateTime t : new LocalDateTime[] {day.atStartOfDay(), day.atTime(12, 34, 56), day.atTime(23, 59, 59)}) {
        String text = t.toLocalDate() + String.format("T%02d:%02d:%02dZ", t.getHour(), t.getMinute(), t.getSecond());
        assertEquals(t.toInstant(ZoneOffset.UTC), parse(text), text);
      }
    }
  }

  @Test
  @DisplayName("writes the same days as DateTimeFormatter does, and the years without four digits through it")
  void writesEveryDay() {
    for (LocalDate day : days()) {
      assertWritten(day.atTime(23, 59, 59).toInstant(ZoneOffset.UTC).plusNanos(999_999_999));
      assertWritten(day.atStartOfDay().toInstant(ZoneOffset.UTC));
    }
    for (String slow : new String[] {"-0001-12-31T23:59:59.999Z", "+10000-01-01T00:00:00Z", "-999999999-01-01T00:00:01Z",
        "+999999999-12-31T23:59:59.999999999Z"}) {
      assertWritten(Instant.parse(slow));
    }
  }

  private static void assertWritten(Instant time) {
    LeaderElectionRecord record = LeaderElectionRecord.of("h", 1, time, time.minusSeconds(1), 0);
    String expected = new String(OldLeaderElectionRecordCodec.encode(record), UTF_8);
    String json = new String(LeaderElectionRecordCodec.encode(record), UTF_8);
    assertEquals(expected, json, time::toString);
    if (record.acquireTime() != null) {
      assertTrue(json.contains("\"acquireTime\":\"" + OldLeaderElectionRecordCodec.formatTime(time) + "\""), json);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"-1000000000-01-01T00:00:00Z", "+1000000000-12-31T23:59:59.999999999Z"})
  @DisplayName("a time beyond LocalDateTime's years fails to encode with the formatter's exception, as before")
  void unwritableTime(String text) {
    LeaderElectionRecord record = LeaderElectionRecord.of("h", 1, Instant.parse(text), null, 0);
    DateTimeException expected = assertThrows(DateTimeException.class, () -> OldLeaderElectionRecordCodec.encode(record));
    DateTimeException actual = assertThrows(DateTimeException.class, () -> LeaderElectionRecordCodec.encode(record));
    assertEquals(expected.getClass(), actual.getClass());
    assertEquals(expected.getMessage(), actual.getMessage());
  }

  @Test
  @DisplayName("a rejected time is reported with the formatter's exception as the cause, as before")
  void rejectedTimeCause() {
    String json = "{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"renewTime\":\"2024-12-31T23:59:60Z\"}";
    CorruptRecordException e = assertThrows(CorruptRecordException.class,
        () -> LeaderElectionRecordCodec.decode(json.getBytes(UTF_8), "lock"));
    assertEquals("key renewTime is not an RFC 3339 time: \"2024-12-31T23:59:60Z\"", e.problem());
    assertInstanceOf(DateTimeException.class, e.getCause());
    CorruptRecordException old = assertThrows(CorruptRecordException.class,
        () -> OldLeaderElectionRecordCodec.decode(json.getBytes(UTF_8), "lock"));
    assertNotNull(old.getCause());
    assertEquals(old.getCause().getMessage(), e.getCause().getMessage());
  }

  @Test
  @DisplayName("reads a time written with JSON escapes as its decoded text")
  void escapedTime() throws Exception {
    String json = "{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"renewTime\":\"\\u0032026-01-02T03:04:05\\u005a\"}";
    assertEquals(Instant.parse("2026-01-02T03:04:05Z"),
        LeaderElectionRecordCodec.decode(json.getBytes(UTF_8), "lock").record().renewTime());
  }
}
