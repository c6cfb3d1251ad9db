package dev.baton.leaderelection.resourcelock;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("LeaderElectionRecordCodec")
class LeaderElectionRecordCodecTest {

  private static final String LOCK = "default/my-app (test)";

  private static final String FULL_JSON = "{\"holderIdentity\":\"node-a\",\"leaseDurationSeconds\":15,"
      + "\"acquireTime\":\"2024-05-01T10:00:00Z\",\"renewTime\":\"2024-05-01T10:00:07Z\","
      + "\"leaderTransitions\":3,\"strategy\":\"\",\"preferredHolder\":\"\"}";

  private static final LeaderElectionRecord FULL = LeaderElectionRecord.of("node-a", 15,
      Instant.parse("2024-05-01T10:00:00Z"), Instant.parse("2024-05-01T10:00:07Z"), 3);

  private static final String RELEASED_JSON = "{\"holderIdentity\":\"\",\"leaseDurationSeconds\":1,"
      + "\"acquireTime\":null,\"renewTime\":null,\"leaderTransitions\":4,\"strategy\":\"\",\"preferredHolder\":\"\"}";

  private static final LeaderElectionRecord RELEASED = LeaderElectionRecord.of("", 1, null, null, 4);

  /** Every character class Go's encoder treats specially, and what Go's json.Marshal writes for it. */
  private static final String NASTY = "a<b>&c\"d\\e\n\t\u0001\u001f\u2028\u2029\u007f\u00e9/\b\f\r\u0000\ud83d\ude00";
  private static final String NASTY_GO = "a\\u003cb\\u003e\\u0026c\\\"d\\\\e\\n\\t\\u0001\\u001f\\u2028\\u2029"
      + "\u007f\u00e9/\\b\\f\\r\\u0000\ud83d\ude00";

  private static byte[] utf8(String s) {
    return s.getBytes(UTF_8);
  }

  private static void assertBytes(String expected, byte[] actual) {
    assertEquals(expected, new String(actual, UTF_8));
    assertArrayEquals(utf8(expected), actual);
  }

  @Nested
  @DisplayName("encode")
  class Encode {

    @Test
    @DisplayName("writes a full record with the exact bytes of Go's json.Marshal")
    void fullRecord() {
      assertBytes(FULL_JSON, LeaderElectionRecordCodec.encode(FULL));
    }

    @Test
    @DisplayName("writes the zero times of a released record as null and keeps every key")
    void releasedRecord() {
      assertBytes(RELEASED_JSON, LeaderElectionRecordCodec.encode(RELEASED));
    }

    @Test
    @DisplayName("writes strategy and preferredHolder in their place after leaderTransitions")
    void strategyAndPreferredHolder() {
      LeaderElectionRecord r = new LeaderElectionRecord("node-b", 30, Instant.parse("2024-01-02T03:04:05Z"),
          Instant.parse("2024-01-02T03:04:06Z"), 0, "OldestEmulationVersion", "node-c");
      assertBytes("{\"holderIdentity\":\"node-b\",\"leaseDurationSeconds\":30,"
          + "\"acquireTime\":\"2024-01-02T03:04:05Z\",\"renewTime\":\"2024-01-02T03:04:06Z\","
          + "\"leaderTransitions\":0,\"strategy\":\"OldestEmulationVersion\",\"preferredHolder\":\"node-c\"}",
          LeaderElectionRecordCodec.encode(r));
    }

    @Test
    @DisplayName("truncates sub-second times to whole seconds instead of rounding them")
    void subSecondTruncation() {
      LeaderElectionRecord r = LeaderElectionRecord.of("node-a", 15,
          Instant.parse("2024-05-01T10:00:00.999999999Z"), Instant.parse("2024-05-01T10:00:07.5Z"), 3);
      assertBytes(FULL_JSON, LeaderElectionRecordCodec.encode(r));
    }

    @Test
    @DisplayName("truncates a time before 1970 down to the previous whole second")
    void preEpochTruncation() {
      assertEquals("1969-12-31T23:59:59Z",
          LeaderElectionRecordCodec.formatTime(Instant.parse("1969-12-31T23:59:59.750Z")));
      assertEquals("0001-01-01T00:00:01Z",
          LeaderElectionRecordCodec.formatTime(Instant.parse("0001-01-01T00:00:01.1Z")));
      assertNull(LeaderElectionRecordCodec.formatTime(null));
    }

    @Test
    @DisplayName("escapes strings exactly as Go's encoding/json does")
    void goStringEscaping() {
      LeaderElectionRecord r = new LeaderElectionRecord(NASTY, 15, null, null, 0, NASTY, NASTY);
      byte[] actual = LeaderElectionRecordCodec.encode(r);
      assertBytes("{\"holderIdentity\":\"" + NASTY_GO + "\",\"leaseDurationSeconds\":15,"
          + "\"acquireTime\":null,\"renewTime\":null,\"leaderTransitions\":0,"
          + "\"strategy\":\"" + NASTY_GO + "\",\"preferredHolder\":\"" + NASTY_GO + "\"}", actual);
    }

    @Test
    @DisplayName("writes DEL as one raw byte and a non-ASCII letter as raw UTF-8, not as escapes")
    void rawBytesForDelAndNonAscii() {
      byte[] actual = LeaderElectionRecordCodec.encode(LeaderElectionRecord.of("\u007f\u00e9", 0, null, null, 0));
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      expected.writeBytes(utf8("{\"holderIdentity\":\""));
      expected.writeBytes(new byte[] {0x7f, (byte) 0xc3, (byte) 0xa9});
      expected.writeBytes(utf8("\",\"leaseDurationSeconds\":0,\"acquireTime\":null,\"renewTime\":null,"
          + "\"leaderTransitions\":0,\"strategy\":\"\",\"preferredHolder\":\"\"}"));
      assertArrayEquals(expected.toByteArray(), actual);
    }

    @Test
    @DisplayName("writes every control character below 0x20 as Go does, short forms for the five named ones")
    void everyControlCharacter() {
      for (char c = 0; c < 0x20; c++) {
        String expected = switch (c) {
          case '\b' -> "\\b";
          case '\f' -> "\\f";
          case '\n' -> "\\n";
          case '\r' -> "\\r";
          case '\t' -> "\\t";
          default -> String.format("\\u%04x", (int) c);
        };
        String json = new String(LeaderElectionRecordCodec.encode(LeaderElectionRecord.of("x" + c + "y", 0, null, null, 0)),
            UTF_8);
        assertTrue(json.startsWith("{\"holderIdentity\":\"x" + expected + "y\","),
            "character " + (int) c + " should be written as " + expected + " but the JSON was " + json);
      }
    }

    @Test
    @DisplayName("writes the largest int values without loss")
    void largeNumbers() {
      String json = new String(LeaderElectionRecordCodec.encode(
          LeaderElectionRecord.of("h", Integer.MAX_VALUE, null, null, Integer.MAX_VALUE)), UTF_8);
      assertEquals("{\"holderIdentity\":\"h\",\"leaseDurationSeconds\":2147483647,\"acquireTime\":null,"
          + "\"renewTime\":null,\"leaderTransitions\":2147483647,\"strategy\":\"\",\"preferredHolder\":\"\"}", json);
    }
  }

  @Nested
  @DisplayName("decode")
  class Decode {

    @Test
    @DisplayName("reads the golden full record and keeps the exact raw bytes")
    void fullRecord() throws Exception {
      byte[] raw = utf8(FULL_JSON);
      ObservedRecord observed = LeaderElectionRecordCodec.decode(raw, LOCK);
      assertEquals(FULL, observed.record());
      assertArrayEquals(raw, observed.raw());
    }

    @Test
    @DisplayName("reads null times of a released record as null (Go's zero time)")
    void releasedRecord() throws Exception {
      assertEquals(RELEASED, LeaderElectionRecordCodec.decode(utf8(RELEASED_JSON), LOCK).record());
    }

    @Test
    @DisplayName("reads Go's zero time written as a string as null")
    void goZeroTimeString() throws Exception {
      LeaderElectionRecord r = LeaderElectionRecordCodec.decode(utf8(
          "{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":5,\"acquireTime\":\"0001-01-01T00:00:00Z\","
              + "\"renewTime\":\"0001-01-01T00:00:00Z\"}"), LOCK).record();
      assertNull(r.acquireTime());
      assertNull(r.renewTime());
    }

    @Test
    @DisplayName("reads Go-escaped strings back to the original characters")
    void goEscapes() throws Exception {
      String json = "{\"holderIdentity\":\"" + NASTY_GO + "\",\"leaseDurationSeconds\":15,\"acquireTime\":null,"
          + "\"renewTime\":null,\"leaderTransitions\":0,\"strategy\":\"" + NASTY_GO + "\",\"preferredHolder\":\""
          + NASTY_GO + "\"}";
      assertEquals(new LeaderElectionRecord(NASTY, 15, null, null, 0, NASTY, NASTY),
          LeaderElectionRecordCodec.decode(utf8(json), LOCK).record());
    }

    @Test
    @DisplayName("accepts fractional seconds and numeric offsets, as Go's RFC 3339 parser does")
    void fractionsAndOffsets() throws Exception {
      LeaderElectionRecord r = LeaderElectionRecordCodec.decode(utf8(
          "{\"holderIdentity\":\"node-a\",\"leaseDurationSeconds\":15,"
              + "\"acquireTime\":\"2024-05-01T12:00:00.123456+02:00\",\"renewTime\":\"2024-05-01T10:00:07.5Z\","
              + "\"leaderTransitions\":3}"), LOCK).record();
      assertEquals(Instant.parse("2024-05-01T10:00:00.123456Z"), r.acquireTime());
      assertEquals(Instant.parse("2024-05-01T10:00:07.5Z"), r.renewTime());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "2024-05-01T10:00:07Z=2024-05-01T10:00:07Z",
        "2024-05-01T10:00:07.000000001Z=2024-05-01T10:00:07.000000001Z",
        "2024-05-01T15:30:07.25+05:30=2024-05-01T10:00:07.25Z",
        "2024-05-01T05:00:07-05:00=2024-05-01T10:00:07Z",
        "2024-05-01T10:00:07+00:00=2024-05-01T10:00:07Z",
        "2024-02-29T23:59:59.999999Z=2024-02-29T23:59:59.999999Z"})
    @DisplayName("reads every RFC 3339 form Go writes or accepts to the same instant")
    void acceptedTimes(String pair) throws Exception {
      String[] parts = pair.split("=");
      LeaderElectionRecord r = LeaderElectionRecordCodec.decode(utf8(
          "{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"renewTime\":\"" + parts[0] + "\"}"), LOCK).record();
      assertEquals(Instant.parse(parts[1]), r.renewTime());
    }

    @Test
    @DisplayName("ignores unknown keys, as Go does")
    void unknownKeysIgnored() throws Exception {
      String json = "{\"extra\":{\"nested\":[1,2,{\"x\":null}]},\"holderIdentity\":\"node-a\",\"leaseDurationSeconds\":15,"
          + "\"acquireTime\":\"2024-05-01T10:00:00Z\",\"renewTime\":\"2024-05-01T10:00:07Z\","
          + "\"leaderTransitions\":3,\"strategy\":\"\",\"preferredHolder\":\"\",\"futureField\":true}";
      assertEquals(FULL, LeaderElectionRecordCodec.decode(utf8(json), LOCK).record());
    }

    @Test
    @DisplayName("keeps the last value of a repeated key, as Go does, and checks only that one")
    void repeatedKeyLastWins() throws Exception {
      assertEquals(LeaderElectionRecord.of("second", 5, null, null, 0), LeaderElectionRecordCodec.decode(utf8(
          "{\"holderIdentity\":7,\"leaseDurationSeconds\":5,\"holderIdentity\":\"second\"}"), LOCK).record());
    }

    @Test
    @DisplayName("reads null strings and null counts as their zero values, and absent optional keys too")
    void nullsAreZeroValues() throws Exception {
      assertEquals(LeaderElectionRecord.of("", 0, null, null, 0), LeaderElectionRecordCodec.decode(utf8(
          "{\"holderIdentity\":null,\"leaseDurationSeconds\":null,\"acquireTime\":null,\"renewTime\":null,"
              + "\"leaderTransitions\":null,\"strategy\":null,\"preferredHolder\":null}"), LOCK).record());
      assertEquals(LeaderElectionRecord.of("x", 7, null, null, 0), LeaderElectionRecordCodec.decode(utf8(
          "{\"holderIdentity\":\"x\",\"leaseDurationSeconds\":7}"), LOCK).record());
    }

    @Test
    @DisplayName("accepts whitespace around and inside the object, and the largest int")
    void whitespaceAndMaxInt() throws Exception {
      assertEquals(LeaderElectionRecord.of("x", Integer.MAX_VALUE, null, null, 0), LeaderElectionRecordCodec.decode(
          utf8(" \n{ \"holderIdentity\" : \"x\" ,\t\"leaseDurationSeconds\" : 2147483647 }\r\n "), LOCK).record());
    }

    @Test
    @DisplayName("copies the raw bytes, so later changes of the caller's array do not leak in")
    void rawBytesCopied() throws Exception {
      byte[] raw = utf8(FULL_JSON);
      ObservedRecord observed = LeaderElectionRecordCodec.decode(raw, LOCK);
      raw[0] = 'X';
      assertArrayEquals(utf8(FULL_JSON), observed.raw());
    }
  }

  @Nested
  @DisplayName("round trips")
  class RoundTrips {

    static Stream<LeaderElectionRecord> records() {
      return Stream.of(FULL, RELEASED,
          new LeaderElectionRecord(NASTY, 0, Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59Z"),
              Integer.MAX_VALUE, "s", "p"),
          LeaderElectionRecord.of("\u65e5\u672c\u8a9e-\ud83d\ude00", 60, Instant.parse("2000-02-29T00:00:00Z"), null, 1));
    }

    @ParameterizedTest
    @MethodSource("records")
    @DisplayName("decode(encode(record)) gives the record back and encode is stable")
    void recordRoundTrip(LeaderElectionRecord record) throws Exception {
      byte[] bytes = LeaderElectionRecordCodec.encode(record);
      ObservedRecord observed = LeaderElectionRecordCodec.decode(bytes, LOCK);
      assertEquals(record, observed.record());
      assertArrayEquals(bytes, LeaderElectionRecordCodec.encode(observed.record()));
    }

    @ParameterizedTest
    @ValueSource(strings = {FULL_JSON, RELEASED_JSON})
    @DisplayName("encode(decode(golden bytes)) gives the golden bytes back")
    void bytesRoundTrip(String golden) throws Exception {
      assertBytes(golden, LeaderElectionRecordCodec.encode(LeaderElectionRecordCodec.decode(utf8(golden), LOCK).record()));
    }

    @Test
    @DisplayName("a record with sub-second times comes back truncated to seconds")
    void subSecondRoundTrip() throws Exception {
      LeaderElectionRecord precise = LeaderElectionRecord.of("node-a", 15,
          Instant.parse("2024-05-01T10:00:00.123456Z"), Instant.parse("2024-05-01T10:00:07.999Z"), 3);
      assertEquals(FULL, LeaderElectionRecordCodec.decode(LeaderElectionRecordCodec.encode(precise), LOCK).record());
    }
  }

  @Nested
  @DisplayName("corrupt records")
  class Corrupt {

    static Stream<Arguments> corruptPayloads() {
      String tail = ",\"acquireTime\":null,\"renewTime\":null,\"leaderTransitions\":0}";
      return Stream.of(
          Arguments.of("not JSON", utf8("this is not json"), null, "not valid JSON"),
          Arguments.of("empty", new byte[0], null, "empty"),
          Arguments.of("only whitespace", utf8("  \n "), null, "no JSON value"),
          Arguments.of("binary garbage", new byte[] {0x00, (byte) 0xff, 0x13, (byte) 0x80, 0x7f, 0x01}, null,
              "not valid JSON"),
          Arguments.of("invalid UTF-8 in a string",
              concat(utf8("{\"holderIdentity\":\"a"), new byte[] {(byte) 0xc3, 0x28}, utf8("\",\"leaseDurationSeconds\":1}")),
              null, "not valid JSON"),
          Arguments.of("a JSON array", utf8("[{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1}]"), null,
              "must be a JSON object but is an array"),
          Arguments.of("a JSON string", utf8("\"holderIdentity\""), null, "must be a JSON object but is a string"),
          Arguments.of("a JSON number", utf8("42"), null, "must be a JSON object but is a number"),
          Arguments.of("JSON null", utf8("null"), null, "must be a JSON object but is null"),
          Arguments.of("an empty object", utf8("{}"), "holderIdentity", "not a leader election record"),
          Arguments.of("an object of another shape", utf8("{\"foo\":1}"), "leaseDurationSeconds",
              "not a leader election record"),
          Arguments.of("holderIdentity as a number", utf8("{\"holderIdentity\":7,\"leaseDurationSeconds\":1" + tail),
              "holderIdentity", "must be a string, found a number 7"),
          Arguments.of("holderIdentity as an object",
              utf8("{\"holderIdentity\":{\"a\":1},\"leaseDurationSeconds\":1" + tail), "holderIdentity",
              "must be a string, found an object"),
          Arguments.of("leaseDurationSeconds as a string",
              utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":\"15\"" + tail), "leaseDurationSeconds",
              "must be a non-negative integer, found a string"),
          Arguments.of("leaseDurationSeconds as 1.5",
              utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1.5" + tail), "leaseDurationSeconds",
              "must be a non-negative integer, found a number 1.5"),
          Arguments.of("leaseDurationSeconds as a boolean",
              utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":true" + tail), "leaseDurationSeconds",
              "must be a non-negative integer, found a boolean"),
          Arguments.of("negative leaseDurationSeconds",
              utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":-5" + tail), "leaseDurationSeconds",
              "must be a non-negative integer, found -5"),
          Arguments.of("leaseDurationSeconds of 2^31",
              utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":2147483648" + tail), "leaseDurationSeconds",
              "is too large: 2147483648 exceeds 2147483647"),
          Arguments.of("leaseDurationSeconds of 10^30",
              utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1000000000000000000000000000000" + tail),
              "leaseDurationSeconds", "is too large: 1000000000000000000000000000000 exceeds 2147483647"),
          Arguments.of("negative leaderTransitions",
              utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"leaderTransitions\":-1}"),
              "leaderTransitions", "must be a non-negative integer, found -1"),
          Arguments.of("leaderTransitions as a string",
              utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"leaderTransitions\":\"3\"}"),
              "leaderTransitions", "must be a non-negative integer, found a string"),
          Arguments.of("missing holderIdentity", utf8("{\"leaseDurationSeconds\":15" + tail), "holderIdentity",
              "key holderIdentity is missing"),
          Arguments.of("missing leaseDurationSeconds", utf8("{\"holderIdentity\":\"a\"" + tail),
              "leaseDurationSeconds", "key leaseDurationSeconds is missing"),
          Arguments.of("a bad time string",
              utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"acquireTime\":\"yesterday\"}"),
              "acquireTime", "is not an RFC 3339 time: \"yesterday\""),
          Arguments.of("a time without a zone",
              utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"renewTime\":\"2024-05-01T10:00:00\"}"),
              "renewTime", "is not an RFC 3339 time"),
          Arguments.of("a time without seconds",
              utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"renewTime\":\"2024-05-01T10:00Z\"}"),
              "renewTime", "is not an RFC 3339 time: \"2024-05-01T10:00Z\""),
          Arguments.of("a time with lower-case t and z",
              utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"renewTime\":\"2024-05-01t10:00:00z\"}"),
              "renewTime", "is not an RFC 3339 time: \"2024-05-01t10:00:00z\""),
          Arguments.of("a time with a two-digit year",
              utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"renewTime\":\"24-05-01T10:00:00Z\"}"),
              "renewTime", "is not an RFC 3339 time: \"24-05-01T10:00:00Z\""),
          Arguments.of("a time with hour 24",
              utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"renewTime\":\"2024-05-01T24:00:00Z\"}"),
              "renewTime", "is not an RFC 3339 time: \"2024-05-01T24:00:00Z\""),
          Arguments.of("a date that does not exist",
              utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"renewTime\":\"2023-02-30T10:00:00Z\"}"),
              "renewTime", "is not an RFC 3339 time: \"2023-02-30T10:00:00Z\""),
          Arguments.of("a time as a number",
              utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"renewTime\":1714557600}"),
              "renewTime", "must be an RFC 3339 time string or null, found a number 1714557600"),
          Arguments.of("invalid UTF-8 in the value of an unknown key",
              concat(utf8("{\"extra\":[{\"x\":\"a"), new byte[] {(byte) 0xc3, 0x28},
                  utf8("\"}],\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1}")),
              null, "not valid JSON"),
          Arguments.of("an unknown key whose value is cut off",
              utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"extra\":{\"x\":[1,2"), null,
              "not valid JSON"),
          Arguments.of("holderIdentity as an array, shown as JSON",
              utf8("{\"holderIdentity\":[\"a\",{\"b\":null}],\"leaseDurationSeconds\":1}"), "holderIdentity",
              "must be a string, found an array [\"a\",{\"b\":null}]"),
          Arguments.of("leaseDurationSeconds as a string, shown quoted",
              utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":\"15\"}"), "leaseDurationSeconds",
              "must be a non-negative integer, found a string \"15\""),
          Arguments.of("trailing garbage after the object", utf8(FULL_JSON + " garbage"), null, "not valid JSON"),
          Arguments.of("a second object after the first", utf8(FULL_JSON + FULL_JSON), null, "not valid JSON"),
          Arguments.of("a truncated object", utf8(FULL_JSON.substring(0, FULL_JSON.length() - 10)), null,
              "not valid JSON"));
    }

    private static byte[] concat(byte[]... parts) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (byte[] p : parts) {
        out.writeBytes(p);
      }
      return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptPayloads")
    @DisplayName("a corrupt payload is a CorruptRecordException naming the lock, the key and the problem")
    void corruptPayload(String what, byte[] raw, String key, String problemPart) {
      CorruptRecordException e = assertThrows(CorruptRecordException.class,
          () -> LeaderElectionRecordCodec.decode(raw, LOCK), what);
      String message = e.getMessage();
      assertEquals(LOCK, e.lockDescription());
      assertTrue(message.startsWith("lock " + LOCK + " holds a leader election record that cannot be parsed: "),
          message);
      assertTrue(message.contains(e.problem()), message);
      assertTrue(message.endsWith(". Repair or delete the stored record; Baton never overwrites it."), message);
      assertTrue(e.problem().contains(problemPart), () -> "problem should contain <" + problemPart + "> but was <"
          + e.problem() + ">");
      if (key != null) {
        assertTrue(e.problem().contains(key), () -> "problem should name key " + key + ": " + e.problem());
      }
      assertTrue(!e.problem().contains(LOCK), "problem() must not repeat the lock: " + e.problem());
    }

    @Test
    @DisplayName("a null payload is reported as empty, not as a NullPointerException")
    void nullPayload() {
      CorruptRecordException e = assertThrows(CorruptRecordException.class,
          () -> LeaderElectionRecordCodec.decode(null, LOCK));
      assertEquals("the record is empty (0 bytes), expected a JSON object", e.problem());
    }

    @Test
    @DisplayName("the problem shows a printable preview of the content, cut after 80 bytes")
    void previewOfLongGarbage() {
      byte[] raw = utf8("x".repeat(100));
      CorruptRecordException e = assertThrows(CorruptRecordException.class,
          () -> LeaderElectionRecordCodec.decode(raw, LOCK));
      assertTrue(e.problem().endsWith("content: \"" + "x".repeat(80) + "\"... (100 bytes)"), e.problem());
      assertEquals("\"a\\x22\\x5c\\x00\\xff\"",
          LeaderElectionRecordCodec.preview(new byte[] {'a', '"', '\\', 0, (byte) 0xff}));
    }

    @Test
    @DisplayName("the exact message of a negative leaseDurationSeconds")
    void exactMessage() {
      CorruptRecordException e = assertThrows(CorruptRecordException.class,
          () -> LeaderElectionRecordCodec.decode(utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":-5}"), LOCK));
      assertEquals("lock default/my-app (test) holds a leader election record that cannot be parsed: "
          + "key leaseDurationSeconds must be a non-negative integer, found -5. "
          + "Repair or delete the stored record; Baton never overwrites it.", e.getMessage());
      assertEquals("key leaseDurationSeconds must be a non-negative integer, found -5", e.problem());
    }

    @Test
    @DisplayName("a bad time keeps the parser's exception as its cause")
    void badTimeCause() {
      CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> LeaderElectionRecordCodec.decode(
          utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"acquireTime\":\"nope\"}"), LOCK));
      assertTrue(e.getCause() instanceof java.time.DateTimeException, String.valueOf(e.getCause()));
    }
  }
}
