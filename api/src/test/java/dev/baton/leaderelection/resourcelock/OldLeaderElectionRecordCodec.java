package dev.baton.leaderelection.resourcelock;

import dev.baton.leaderelection.resourcelock.internal.GoJsonEscapes;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The oracle of {@link LeaderElectionRecordCodecDifferentialTest}: a verbatim copy of
 * {@link LeaderElectionRecordCodec} as it was before the hand-written time parser and encoder
 * (Jackson generator, {@code DateTimeFormatter}, an intermediate map and {@code BigInteger}). Do
 * not change it: the differential test holds the codec to exactly these inputs, outputs and
 * messages.
 */
final class OldLeaderElectionRecordCodec {

  /** Jackson's streaming API only (jackson-core): seven keys need no object mapper. */
  private static final JsonFactory FACTORY = JsonFactory.builder().characterEscapes(new GoJsonEscapes()).build();

  /** The keys of the record; any other key is read through and ignored, as Go does. */
  private static final Set<String> KEYS = Set.of("holderIdentity", "leaseDurationSeconds", "acquireTime",
      "renewTime", "leaderTransitions", "strategy", "preferredHolder");

  private static final DateTimeFormatter RFC3339_SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  /**
   * RFC 3339 as Go's {@code time.Parse(time.RFC3339, s)} reads it: four-digit year, seconds
   * required, an optional fraction of up to nine digits, and {@code Z} or a {@code +hh:mm} offset;
   * case-sensitive {@code T} and {@code Z}. (ISO_OFFSET_DATE_TIME also accepts times without
   * seconds and lower-case letters, which Go rejects.)
   */
  private static final DateTimeFormatter RFC3339_PARSER = new DateTimeFormatterBuilder()
      .appendValue(ChronoField.YEAR, 4)
      .appendLiteral('-')
      .appendValue(ChronoField.MONTH_OF_YEAR, 2)
      .appendLiteral('-')
      .appendValue(ChronoField.DAY_OF_MONTH, 2)
      .appendLiteral('T')
      .appendValue(ChronoField.HOUR_OF_DAY, 2)
      .appendLiteral(':')
      .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
      .appendLiteral(':')
      .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
      .optionalStart()
      .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
      .optionalEnd()
      .appendOffset("+HH:MM", "Z")
      .toFormatter(Locale.ROOT)
      .withChronology(IsoChronology.INSTANCE)
      .withResolverStyle(ResolverStyle.STRICT);

  private static final int PREVIEW_BYTES = 80;

  private OldLeaderElectionRecordCodec() {
  }

  /**
   * The record as client-go's {@code json.Marshal} writes it.
   *
   * @param record the record
   * @return UTF-8 JSON bytes
   */
  public static byte[] encode(LeaderElectionRecord record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(192);
    try (JsonGenerator g = FACTORY.createGenerator(ObjectWriteContext.empty(), out)) {
      g.writeStartObject();
      g.writeStringProperty("holderIdentity", GoJsonEscapes.sanitize(record.holderIdentity()));
      g.writeNumberProperty("leaseDurationSeconds", record.leaseDurationSeconds());
      writeTime(g, "acquireTime", record.acquireTime());
      writeTime(g, "renewTime", record.renewTime());
      g.writeNumberProperty("leaderTransitions", record.leaderTransitions());
      g.writeStringProperty("strategy", GoJsonEscapes.sanitize(record.strategy()));
      g.writeStringProperty("preferredHolder", GoJsonEscapes.sanitize(record.preferredHolder()));
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  /**
   * Formats a time as client-go's {@code metav1.Time} does: RFC 3339 in UTC at second precision.
   *
   * @param time a time, or {@code null} for Go's zero time
   * @return the formatted time, or {@code null}
   */
  static String formatTime(Instant time) {
    return time == null ? null : RFC3339_SECONDS.format(time.truncatedTo(ChronoUnit.SECONDS));
  }

  private static void writeTime(JsonGenerator g, String key, Instant time) {
    if (time == null) {
      g.writeNullProperty(key);
    } else {
      g.writeStringProperty(key, formatTime(time));
    }
  }

  /**
   * Decodes stored bytes.
   *
   * @param raw the stored bytes
   * @param lockDescription the lock's {@link ResourceLock#describe()}, named in errors
   * @return the record and the bytes it came from
   * @throws CorruptRecordException when the bytes are not a valid record; the message names the
   *     lock, the key and what is wrong
   */
  public static ObservedRecord decode(byte[] raw, String lockDescription) throws CorruptRecordException {
    return new ObservedRecord(parse(raw, lockDescription), raw);
  }

  private static LeaderElectionRecord parse(byte[] raw, String lock) throws CorruptRecordException {
    if (raw == null || raw.length == 0) {
      throw new CorruptRecordException(lock, "the record is empty (0 bytes), expected a JSON object", null);
    }
    Map<String, Value> fields;
    try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), raw)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new CorruptRecordException(lock, "the record holds no JSON value; content: " + preview(raw), null);
      }
      fields = first == JsonToken.START_OBJECT ? readObject(p) : null;
      if (fields == null) {
        readValue(p);
      }
      JsonToken trailing = p.nextToken();
      if (trailing != null) {
        throw new CorruptRecordException(lock, "the record is not valid JSON (trailing token (of type " + trailing
            + ") found after the value); content: " + preview(raw), null);
      }
      if (fields == null) {
        throw new CorruptRecordException(lock, "the record must be a JSON object but is " + describeType(first)
            + "; content: " + preview(raw), null);
      }
    } catch (JacksonException e) {
      throw new CorruptRecordException(lock,
          "the record is not valid JSON (" + e.getOriginalMessage() + "); content: " + preview(raw), e);
    }
    if (!fields.containsKey("holderIdentity") && !fields.containsKey("leaseDurationSeconds")) {
      throw new CorruptRecordException(lock,
          "the record has neither holderIdentity nor leaseDurationSeconds, so it is not a leader election record;"
              + " content: " + preview(raw), null);
    }
    if (!fields.containsKey("holderIdentity")) {
      throw new CorruptRecordException(lock, "key holderIdentity is missing", null);
    }
    if (!fields.containsKey("leaseDurationSeconds")) {
      throw new CorruptRecordException(lock, "key leaseDurationSeconds is missing", null);
    }
    try {
      return LeaderElectionRecord.builder()
          .holderIdentity(string(fields, "holderIdentity"))
          .leaseDurationSeconds(nonNegativeInt(fields, "leaseDurationSeconds"))
          .acquireTime(time(fields, "acquireTime"))
          .renewTime(time(fields, "renewTime"))
          .leaderTransitions(nonNegativeInt(fields, "leaderTransitions"))
          .strategy(string(fields, "strategy"))
          .preferredHolder(string(fields, "preferredHolder"))
          .build();
    } catch (FieldProblem p) {
      throw new CorruptRecordException(lock, p.getMessage(), p.getCause());
    }
  }

  /**
   * Reads the object the parser is at the start of. The values of the record's keys are kept (the
   * last one when a key repeats, as Go keeps it); other values are read through and dropped.
   */
  private static Map<String, Value> readObject(JsonParser p) {
    Map<String, Value> fields = new HashMap<>();
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String key = p.currentName();
      p.nextToken();
      Value value = readValue(p);
      if (KEYS.contains(key)) {
        fields.put(key, value);
      }
    }
    return fields;
  }

  /**
   * Reads the value the parser is at, to its end. Every string is decoded, so that invalid UTF-8
   * anywhere is an error, as it is for a tree. A structure keeps its JSON text for messages.
   */
  private static Value readValue(JsonParser p) {
    JsonToken token = p.currentToken();
    if (!token.isStructStart()) {
      return switch (token) {
        case VALUE_NUMBER_INT -> new Value(token, p.getString(), p.getBigIntegerValue());
        case VALUE_NULL -> new Value(token, "null", null);
        default -> new Value(token, p.getString(), null);
      };
    }
    StringWriter text = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(ObjectWriteContext.empty(), text)) {
      int depth = 0;
      do {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
          p.getString();
        }
        g.copyCurrentEvent(p);
        depth += t.isStructStart() ? 1 : t.isStructEnd() ? -1 : 0;
      } while (depth > 0 && p.nextToken() != null);
    }
    return new Value(token, text.toString(), null);
  }

  private static String string(Map<String, Value> fields, String key) throws FieldProblem {
    Value v = fields.get(key);
    if (v == null || v.token() == JsonToken.VALUE_NULL) {
      return "";
    }
    if (v.token() != JsonToken.VALUE_STRING) {
      throw new FieldProblem("key " + key + " must be a string, found " + v.described(), null);
    }
    return v.text();
  }

  private static int nonNegativeInt(Map<String, Value> fields, String key) throws FieldProblem {
    Value v = fields.get(key);
    if (v == null || v.token() == JsonToken.VALUE_NULL) {
      return 0;
    }
    if (v.integer() == null) {
      throw new FieldProblem("key " + key + " must be a non-negative integer, found " + v.described(), null);
    }
    BigInteger n = v.integer();
    if (n.signum() < 0) {
      throw new FieldProblem("key " + key + " must be a non-negative integer, found " + n, null);
    }
    if (n.bitLength() > 31) {
      throw new FieldProblem("key " + key + " is too large: " + n + " exceeds " + Integer.MAX_VALUE, null);
    }
    return n.intValue();
  }

  private static Instant time(Map<String, Value> fields, String key) throws FieldProblem {
    Value v = fields.get(key);
    if (v == null || v.token() == JsonToken.VALUE_NULL) {
      return null;
    }
    if (v.token() != JsonToken.VALUE_STRING) {
      throw new FieldProblem("key " + key + " must be an RFC 3339 time string or null, found " + v.described(), null);
    }
    try {
      return OffsetDateTime.parse(v.text(), RFC3339_PARSER).toInstant();
    } catch (DateTimeException e) {
      throw new FieldProblem("key " + key + " is not an RFC 3339 time: \"" + v.text() + "\"", e);
    }
  }

  /**
   * Added to the copy for the tests (not in the original): how this codec's formatter reads a time
   * string on its own.
   *
   * @return the instant, or {@code null} when the formatter rejects the text
   */
  static Instant parseTimeForTest(String text) {
    try {
      return OffsetDateTime.parse(text, RFC3339_PARSER).toInstant();
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static String describeType(JsonToken token) {
    return switch (token) {
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_STRING -> "a string";
      case VALUE_NULL -> "null";
      default -> token.toString().toLowerCase(Locale.ROOT);
    };
  }

  /**
   * One value of the record's keys as read: its first token, its text (a string's content, a
   * number's digits as written, a structure's JSON) and, for an integer, its value.
   */
  private record Value(JsonToken token, String text, BigInteger integer) {

    /** The value's kind and JSON text, for messages: {@code a number 1.5}, {@code a string "15"}. */
    String described() {
      String json = token == JsonToken.VALUE_STRING ? "\"" + text + "\"" : text;
      return describeType(token) + " " + json;
    }
  }

  /** The first bytes of the record, printable, for error messages. */
  static String preview(byte[] raw) {
    StringBuilder sb = new StringBuilder("\"");
    int n = Math.min(raw.length, PREVIEW_BYTES);
    for (int i = 0; i < n; i++) {
      int b = raw[i] & 0xff;
      if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
        sb.append((char) b);
      } else {
        sb.append(String.format("\\x%02x", b));
      }
    }
    sb.append('"');
    if (raw.length > n) {
      sb.append("... (").append(raw.length).append(" bytes)");
    }
    return sb.toString();
  }

  /** A problem with one key, turned into a {@link CorruptRecordException} by the caller. */
  private static final class FieldProblem extends Exception {
    private static final long serialVersionUID = 1L;

    FieldProblem(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
