package dev.baton.leaderelection.resourcelock;

import dev.baton.leaderelection.resourcelock.internal.GoJsonEscapes;
import java.io.ByteArrayOutputStream;
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
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encodes and decodes {@link LeaderElectionRecord} in client-go's JSON form, with Jackson.
 *
 * <p>{@link #encode} produces the exact bytes of Go's {@code json.Marshal}: keys in declaration
 * order, none omitted, times as {@code "2006-01-02T15:04:05Z"} (UTC, whole seconds) or
 * {@code null}, and Go's string escaping ({@code <}, {@code >}, {@code &}, U+2028 and U+2029 as
 * escapes such as &#92;u003c, control characters in lower-case hex). Backends that store the
 * record as bytes (etcd, ZooKeeper, the ConfigMap annotation) store these, and backends that store
 * it in another shape (a Lease spec) return these as the raw bytes of {@link ResourceLock#get()}.
 *
 * <p>{@link #decode} is stricter than Go, so that a damaged record is reported instead of being
 * read as "nobody holds the lock": the content must be one JSON object with a string
 * {@code holderIdentity} and a non-negative integer {@code leaseDurationSeconds}; the other keys may
 * be absent (zero values) but must have the right type when present; times may carry fractions and
 * offsets (as Go's RFC 3339 parser accepts); unknown keys are ignored, as Go does.
 */
public final class LeaderElectionRecordCodec {

  private static final JsonMapper MAPPER = JsonMapper.builder(
          JsonFactory.builder().characterEscapes(new GoJsonEscapes()).build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

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

  private LeaderElectionRecordCodec() {
  }

  /**
   * The record as client-go's {@code json.Marshal} writes it.
   *
   * @param record the record
   * @return UTF-8 JSON bytes
   */
  public static byte[] encode(LeaderElectionRecord record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(192);
    try (JsonGenerator g = MAPPER.createGenerator(out)) {
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
  public static String formatTime(Instant time) {
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
    JsonNode root;
    try {
      root = MAPPER.readTree(raw);
    } catch (JacksonException e) {
      throw new CorruptRecordException(lock,
          "the record is not valid JSON (" + e.getOriginalMessage() + "); content: " + preview(raw), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new CorruptRecordException(lock, "the record holds no JSON value; content: " + preview(raw), null);
    }
    if (!root.isObject()) {
      throw new CorruptRecordException(lock,
          "the record must be a JSON object but is " + describeType(root) + "; content: " + preview(raw), null);
    }
    JsonNode holder = root.get("holderIdentity");
    JsonNode duration = root.get("leaseDurationSeconds");
    if (holder == null && duration == null) {
      throw new CorruptRecordException(lock,
          "the record has neither holderIdentity nor leaseDurationSeconds, so it is not a leader election record;"
              + " content: " + preview(raw), null);
    }
    if (holder == null) {
      throw new CorruptRecordException(lock, "key holderIdentity is missing", null);
    }
    if (duration == null) {
      throw new CorruptRecordException(lock, "key leaseDurationSeconds is missing", null);
    }
    try {
      return new LeaderElectionRecord(
          string(root, "holderIdentity"),
          nonNegativeInt(root, "leaseDurationSeconds"),
          time(root, "acquireTime"),
          time(root, "renewTime"),
          nonNegativeInt(root, "leaderTransitions"),
          string(root, "strategy"),
          string(root, "preferredHolder"));
    } catch (FieldProblem p) {
      throw new CorruptRecordException(lock, p.getMessage(), p.getCause());
    }
  }

  private static String string(JsonNode root, String key) throws FieldProblem {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return "";
    }
    if (!n.isString()) {
      throw new FieldProblem("key " + key + " must be a string, found " + describeType(n) + " " + n, null);
    }
    return n.asString();
  }

  private static int nonNegativeInt(JsonNode root, String key) throws FieldProblem {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return 0;
    }
    if (!n.isIntegralNumber()) {
      throw new FieldProblem("key " + key + " must be a non-negative integer, found " + describeType(n) + " " + n, null);
    }
    BigInteger v = n.bigIntegerValue();
    if (v.signum() < 0) {
      throw new FieldProblem("key " + key + " must be a non-negative integer, found " + v, null);
    }
    if (v.bitLength() > 31) {
      throw new FieldProblem("key " + key + " is too large: " + v + " exceeds " + Integer.MAX_VALUE, null);
    }
    return v.intValue();
  }

  private static Instant time(JsonNode root, String key) throws FieldProblem {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isString()) {
      throw new FieldProblem("key " + key + " must be an RFC 3339 time string or null, found "
          + describeType(n) + " " + n, null);
    }
    try {
      return OffsetDateTime.parse(n.asString(), RFC3339_PARSER).toInstant();
    } catch (DateTimeException e) {
      throw new FieldProblem("key " + key + " is not an RFC 3339 time: \"" + n.asString() + "\"", e);
    }
  }

  private static String describeType(JsonNode n) {
    return switch (n.getNodeType()) {
      case ARRAY -> "an array";
      case BOOLEAN -> "a boolean";
      case NUMBER -> "a number";
      case STRING -> "a string";
      case NULL -> "null";
      case OBJECT -> "an object";
      default -> n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
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
