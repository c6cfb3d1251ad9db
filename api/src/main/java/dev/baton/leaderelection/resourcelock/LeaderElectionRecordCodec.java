package dev.baton.leaderelection.resourcelock;

import dev.baton.leaderelection.resourcelock.internal.GoJsonEscapes;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
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
import org.apiguardian.api.API;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Encodes and decodes {@link LeaderElectionRecord} in client-go's JSON form: decoding with
 * Jackson's streaming API (jackson-core; Baton's API needs no jackson-databind) and a hand-written
 * RFC 3339 parser, encoding straight into bytes (both are on the path of every lock call).
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
@API(status = API.Status.STABLE, since = "0.1.0")
public final class LeaderElectionRecordCodec {

  /**
   * Jackson's streaming API only (jackson-core): seven keys need no object mapper. The escapes
   * matter for the JSON of a structure quoted in a message.
   */
  private static final JsonFactory FACTORY = JsonFactory.builder().characterEscapes(new GoJsonEscapes()).build();

  /** Formats the times whose year has no four digits, which {@link #encode} does not write itself. */
  private static final DateTimeFormatter RFC3339_SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  /**
   * RFC 3339 as Go's {@code time.Parse(time.RFC3339, s)} reads it: four-digit year, seconds
   * required, an optional fraction of up to nine digits, and {@code Z} or a {@code +hh:mm} offset;
   * case-sensitive {@code T} and {@code Z}. (ISO_OFFSET_DATE_TIME also accepts times without
   * seconds and lower-case letters, which Go rejects.) {@link #parseRfc3339} accepts exactly the
   * same; this formatter only supplies the cause of a rejected time.
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

  /** Indexes of the record's keys, in the order in which their problems are reported. */
  private static final int HOLDER = 0;
  private static final int DURATION = 1;
  private static final int ACQUIRE = 2;
  private static final int RENEW = 3;
  private static final int TRANSITIONS = 4;
  private static final int STRATEGY = 5;
  private static final int PREFERRED = 6;
  private static final int KEY_COUNT = 7;

  /** The epoch seconds of 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: four-digit years. */
  private static final long FIRST_FOUR_DIGIT_SECOND = -62_167_219_200L;
  private static final long END_FOUR_DIGIT_SECOND = 253_402_300_800L;
  private static final long DAYS_0000_TO_1970 = 719_528L;
  private static final long DAYS_PER_400_YEARS = 146_097L;
  private static final int SECONDS_PER_DAY = 86_400;
  /** The largest offset a {@link java.time.ZoneOffset} holds: 18 hours, in minutes. */
  private static final int MAX_OFFSET_MINUTES = 18 * 60;
  private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
      100_000_000, 1_000_000_000};

  private static final byte[] HOLDER_PREFIX = ascii("{\"holderIdentity\":\"");
  private static final byte[] DURATION_PREFIX = ascii("\",\"leaseDurationSeconds\":");
  private static final byte[] ACQUIRE_PREFIX = ascii(",\"acquireTime\":");
  private static final byte[] RENEW_PREFIX = ascii(",\"renewTime\":");
  private static final byte[] TRANSITIONS_PREFIX = ascii(",\"leaderTransitions\":");
  private static final byte[] STRATEGY_PREFIX = ascii(",\"strategy\":\"");
  private static final byte[] PREFERRED_PREFIX = ascii("\",\"preferredHolder\":\"");
  private static final byte[] SUFFIX = ascii("\"}");
  private static final byte[] NULL = ascii("null");
  private static final byte[] HEX = ascii("0123456789abcdef");
  /** The length of a time that {@link #writeTime} writes itself: {@code "2006-01-02T15:04:05Z"}. */
  private static final int FOUR_DIGIT_TIME_LENGTH = 22;
  private static final int FIXED_LENGTH = HOLDER_PREFIX.length + DURATION_PREFIX.length + ACQUIRE_PREFIX.length
      + RENEW_PREFIX.length + TRANSITIONS_PREFIX.length + STRATEGY_PREFIX.length + PREFERRED_PREFIX.length
      + SUFFIX.length;

  private LeaderElectionRecordCodec() {
  }

  /**
   * The record as client-go's {@code json.Marshal} writes it.
   *
   * @param record the record
   * @return UTF-8 JSON bytes
   */
  public static byte[] encode(LeaderElectionRecord record) {
    String holder = record.holderIdentity();
    String strategy = record.strategy();
    String preferred = record.preferredHolder();
    String acquire = slowTime(record.acquireTime());
    String renew = slowTime(record.renewTime());
    int length = FIXED_LENGTH + escapedLength(holder) + escapedLength(strategy) + escapedLength(preferred)
        + timeLength(record.acquireTime(), acquire) + timeLength(record.renewTime(), renew)
        + digits(record.leaseDurationSeconds()) + digits(record.leaderTransitions());
    byte[] out = new byte[length];
    int pos = put(out, 0, HOLDER_PREFIX);
    pos = writeString(out, pos, holder);
    pos = put(out, pos, DURATION_PREFIX);
    pos = writeInt(out, pos, record.leaseDurationSeconds());
    pos = put(out, pos, ACQUIRE_PREFIX);
    pos = writeTime(out, pos, record.acquireTime(), acquire);
    pos = put(out, pos, RENEW_PREFIX);
    pos = writeTime(out, pos, record.renewTime(), renew);
    pos = put(out, pos, TRANSITIONS_PREFIX);
    pos = writeInt(out, pos, record.leaderTransitions());
    pos = put(out, pos, STRATEGY_PREFIX);
    pos = writeString(out, pos, strategy);
    pos = put(out, pos, PREFERRED_PREFIX);
    pos = writeString(out, pos, preferred);
    pos = put(out, pos, SUFFIX);
    if (pos != length) {
      throw new IllegalStateException("encoded " + pos + " bytes where " + length + " were computed");
    }
    return out;
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

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static int put(byte[] out, int pos, byte[] bytes) {
    System.arraycopy(bytes, 0, out, pos, bytes.length);
    return pos + bytes.length;
  }

  /** Whether {@link #writeTime} writes the time itself: a year of four digits, 0000 to 9999. */
  private static boolean fourDigitYear(Instant time) {
    long second = time.getEpochSecond();
    return second >= FIRST_FOUR_DIGIT_SECOND && second < END_FOUR_DIGIT_SECOND;
  }

  /** The formatted time when its year has no four digits (the formatter writes a sign), else {@code null}. */
  private static String slowTime(Instant time) {
    return time == null || fourDigitYear(time) ? null : formatTime(time);
  }

  private static int timeLength(Instant time, String slow) {
    return time == null ? NULL.length : slow == null ? FOUR_DIGIT_TIME_LENGTH : slow.length() + 2;
  }

  /** Writes a time as {@link #formatTime} does: {@code null} or {@code "2006-01-02T15:04:05Z"}. */
  private static int writeTime(byte[] out, int pos, Instant time, String slow) {
    if (time == null) {
      return put(out, pos, NULL);
    }
    out[pos++] = '"';
    if (slow != null) {
      for (int i = 0; i < slow.length(); i++) {
        out[pos++] = (byte) slow.charAt(i);
      }
      out[pos++] = '"';
      return pos;
    }
    long second = time.getEpochSecond();
    long epochDay = Math.floorDiv(second, SECONDS_PER_DAY);
    int secondOfDay = (int) Math.floorMod(second, SECONDS_PER_DAY);
    // LocalDate.ofEpochDay for days from 0000-01-01 on: years counted from March, 400-year cycles.
    long zeroDay = epochDay + DAYS_0000_TO_1970 - 60;
    long adjust = 0;
    if (zeroDay < 0) {
      long cycles = (zeroDay + 1) / DAYS_PER_400_YEARS - 1;
      adjust = cycles * 400;
      zeroDay -= cycles * DAYS_PER_400_YEARS;
    }
    long year = (400 * zeroDay + 591) / DAYS_PER_400_YEARS;
    long dayOfYear = zeroDay - (365 * year + year / 4 - year / 100 + year / 400);
    if (dayOfYear < 0) {
      year--;
      dayOfYear = zeroDay - (365 * year + year / 4 - year / 100 + year / 400);
    }
    int marchDay = (int) dayOfYear;
    int marchMonth = (marchDay * 5 + 2) / 153;
    int month = (marchMonth + 2) % 12 + 1;
    int day = marchDay - (marchMonth * 306 + 5) / 10 + 1;
    int y = (int) (year + adjust + marchMonth / 10);
    pos = twoDigits(out, pos, y / 100);
    pos = twoDigits(out, pos, y % 100);
    out[pos++] = '-';
    pos = twoDigits(out, pos, month);
    out[pos++] = '-';
    pos = twoDigits(out, pos, day);
    out[pos++] = 'T';
    pos = twoDigits(out, pos, secondOfDay / 3600);
    out[pos++] = ':';
    pos = twoDigits(out, pos, secondOfDay / 60 % 60);
    out[pos++] = ':';
    pos = twoDigits(out, pos, secondOfDay % 60);
    out[pos++] = 'Z';
    out[pos++] = '"';
    return pos;
  }

  private static int twoDigits(byte[] out, int pos, int n) {
    out[pos] = (byte) ('0' + n / 10);
    out[pos + 1] = (byte) ('0' + n % 10);
    return pos + 2;
  }

  /** The number of decimal digits of a non-negative int. */
  private static int digits(int n) {
    int d = 1;
    while (d < POWERS_OF_TEN.length && n >= POWERS_OF_TEN[d]) {
      d++;
    }
    return d;
  }

  private static int writeInt(byte[] out, int pos, int n) {
    int end = pos + digits(n);
    int i = end;
    do {
      out[--i] = (byte) ('0' + n % 10);
      n /= 10;
    } while (n > 0);
    return end;
  }

  /**
   * The UTF-8 length of a string as {@link #writeString} writes it: Go's escapes (see
   * {@link GoJsonEscapes}) and U+FFFD for an unpaired surrogate ({@link GoJsonEscapes#sanitize}).
   */
  private static int escapedLength(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' ? 1
            : c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t' ? 2 : 6;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += c == 0x2028 || c == 0x2029 ? 6 : 3;
      }
    }
    return n;
  }

  /**
   * Writes a string's content as Go's {@code encoding/json} does: {@code "} and {@code \} escaped,
   * {@code \b \f \n \r \t} in short form, other control characters, {@code < > &}, U+2028 and
   * U+2029 as &#92;u escapes in lower-case hex, an unpaired surrogate as U+FFFD, the rest as UTF-8.
   */
  private static int writeString(byte[] out, int pos, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
          out[pos++] = (byte) c;
        } else {
          pos = writeAsciiEscape(out, pos, c);
        }
      } else if (c < 0x800) {
        out[pos++] = (byte) (0xc0 | c >> 6);
        out[pos++] = (byte) (0x80 | c & 0x3f);
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out[pos++] = (byte) (0xf0 | cp >> 18);
        out[pos++] = (byte) (0x80 | cp >> 12 & 0x3f);
        out[pos++] = (byte) (0x80 | cp >> 6 & 0x3f);
        out[pos++] = (byte) (0x80 | cp & 0x3f);
      } else if (c == 0x2028 || c == 0x2029) {
        pos = writeUnicodeEscape(out, pos, c);
      } else {
        char u = Character.isSurrogate(c) ? '\uFFFD' : c;
        out[pos++] = (byte) (0xe0 | u >> 12);
        out[pos++] = (byte) (0x80 | u >> 6 & 0x3f);
        out[pos++] = (byte) (0x80 | u & 0x3f);
      }
    }
    return pos;
  }

  private static int writeAsciiEscape(byte[] out, int pos, char c) {
    char shortForm = switch (c) {
      case '"' -> '"';
      case '\\' -> '\\';
      case '\b' -> 'b';
      case '\f' -> 'f';
      case '\n' -> 'n';
      case '\r' -> 'r';
      case '\t' -> 't';
      default -> 0;
    };
    if (shortForm == 0) {
      return writeUnicodeEscape(out, pos, c);
    }
    out[pos] = '\\';
    out[pos + 1] = (byte) shortForm;
    return pos + 2;
  }

  private static int writeUnicodeEscape(byte[] out, int pos, char c) {
    out[pos++] = '\\';
    out[pos++] = 'u';
    out[pos++] = HEX[c >> 12];
    out[pos++] = HEX[c >> 8 & 0xf];
    out[pos++] = HEX[c >> 4 & 0xf];
    out[pos++] = HEX[c & 0xf];
    return pos;
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
    Fields fields;
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
    if (!fields.seen(HOLDER) && !fields.seen(DURATION)) {
      throw new CorruptRecordException(lock,
          "the record has neither holderIdentity nor leaseDurationSeconds, so it is not a leader election record;"
              + " content: " + preview(raw), null);
    }
    if (!fields.seen(HOLDER)) {
      throw new CorruptRecordException(lock, "key holderIdentity is missing", null);
    }
    if (!fields.seen(DURATION)) {
      throw new CorruptRecordException(lock, "key leaseDurationSeconds is missing", null);
    }
    if (fields.problems != null) {
      for (FieldProblem problem : fields.problems) {
        if (problem != null) {
          throw new CorruptRecordException(lock, problem.getMessage(), problem.getCause());
        }
      }
    }
    return new LeaderElectionRecord(fields.holder, fields.duration, fields.acquire, fields.renew,
        fields.transitions, fields.strategy, fields.preferred);
  }

  /** The index of one of the record's keys, or -1 for a key that is read through and ignored. */
  private static int keyIndex(String key) {
    return switch (key) {
      case "holderIdentity" -> HOLDER;
      case "leaseDurationSeconds" -> DURATION;
      case "acquireTime" -> ACQUIRE;
      case "renewTime" -> RENEW;
      case "leaderTransitions" -> TRANSITIONS;
      case "strategy" -> STRATEGY;
      case "preferredHolder" -> PREFERRED;
      default -> -1;
    };
  }

  /**
   * Reads the object the parser is at the start of, converting the values of the record's keys as
   * they come. The last value of a repeated key counts, as Go keeps it; a problem with a value is
   * kept and reported only once the whole content has proved to be valid JSON. Other values are read
   * through and dropped.
   */
  private static Fields readObject(JsonParser p) {
    Fields fields = new Fields();
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      int key = keyIndex(p.currentName());
      JsonToken token = p.nextToken();
      if (key < 0) {
        readValue(p);
        continue;
      }
      fields.seen |= 1 << key;
      switch (key) {
        case HOLDER, STRATEGY, PREFERRED -> fields.string(p, key, token);
        case DURATION, TRANSITIONS -> fields.nonNegativeInt(p, key, token);
        default -> fields.time(p, key, token);
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

  /** The value the parser is at, read to its end, for a message: {@code a number 1.5}. */
  private static String described(JsonParser p) {
    return readValue(p).described();
  }

  /**
   * The values of the record's keys as read so far: zero values until a key comes, and per key the
   * problem with its last value, if any.
   */
  private static final class Fields {
    private int seen;
    private String holder = "";
    private int duration;
    private Instant acquire;
    private Instant renew;
    private int transitions;
    private String strategy = "";
    private String preferred = "";
    /** Per key, the problem with its last value; {@code null} until a value has one. */
    private FieldProblem[] problems;

    boolean seen(int key) {
      return (seen & 1 << key) != 0;
    }

    private void problem(int key, FieldProblem problem) {
      if (problem == null && problems == null) {
        return;
      }
      if (problems == null) {
        problems = new FieldProblem[KEY_COUNT];
      }
      problems[key] = problem;
    }

    void string(JsonParser p, int key, JsonToken token) {
      String value;
      if (token == JsonToken.VALUE_STRING) {
        value = p.getString();
      } else if (token == JsonToken.VALUE_NULL) {
        value = "";
      } else {
        problem(key, new FieldProblem("key " + name(key) + " must be a string, found " + described(p), null));
        return;
      }
      problem(key, null);
      switch (key) {
        case HOLDER -> holder = value;
        case STRATEGY -> strategy = value;
        default -> preferred = value;
      }
    }

    void nonNegativeInt(JsonParser p, int key, JsonToken token) {
      int value;
      if (token == JsonToken.VALUE_NULL) {
        value = 0;
      } else if (token != JsonToken.VALUE_NUMBER_INT) {
        problem(key, new FieldProblem("key " + name(key) + " must be a non-negative integer, found " + described(p),
            null));
        return;
      } else if (p.getNumberType() == JsonParser.NumberType.INT) {
        value = p.getIntValue();
        if (value < 0) {
          problem(key, negative(key, Integer.toString(value)));
          return;
        }
      } else if (p.getNumberType() == JsonParser.NumberType.LONG) {
        long n = p.getLongValue();
        if (n < 0 || n > Integer.MAX_VALUE) {
          problem(key, n < 0 ? negative(key, Long.toString(n)) : tooLarge(key, Long.toString(n)));
          return;
        }
        value = (int) n;
      } else {
        BigInteger n = p.getBigIntegerValue();
        if (n.signum() < 0 || n.bitLength() > 31) {
          problem(key, n.signum() < 0 ? negative(key, n.toString()) : tooLarge(key, n.toString()));
          return;
        }
        value = n.intValue();
      }
      problem(key, null);
      if (key == DURATION) {
        duration = value;
      } else {
        transitions = value;
      }
    }

    void time(JsonParser p, int key, JsonToken token) {
      Instant value;
      if (token == JsonToken.VALUE_NULL) {
        value = null;
      } else if (token != JsonToken.VALUE_STRING) {
        problem(key, new FieldProblem("key " + name(key) + " must be an RFC 3339 time string or null, found "
            + described(p), null));
        return;
      } else {
        value = parseRfc3339(p.getStringCharacters(), p.getStringOffset(), p.getStringLength());
        if (value == null) {
          String text = p.getString();
          try {
            // Only to report the parser's exception as the cause, as before: parseRfc3339 accepts
            // exactly what this formatter accepts (LeaderElectionRecordCodecTimeTest holds it to that).
            value = OffsetDateTime.parse(text, RFC3339_PARSER).toInstant();
          } catch (DateTimeException e) {
            problem(key, new FieldProblem("key " + name(key) + " is not an RFC 3339 time: \"" + text + "\"", e));
            return;
          }
        }
      }
      problem(key, null);
      if (key == ACQUIRE) {
        acquire = value;
      } else {
        renew = value;
      }
    }

    private static FieldProblem negative(int key, String number) {
      return new FieldProblem("key " + name(key) + " must be a non-negative integer, found " + number, null);
    }

    private static FieldProblem tooLarge(int key, String number) {
      return new FieldProblem("key " + name(key) + " is too large: " + number + " exceeds " + Integer.MAX_VALUE, null);
    }

    private static String name(int key) {
      return switch (key) {
        case HOLDER -> "holderIdentity";
        case DURATION -> "leaseDurationSeconds";
        case ACQUIRE -> "acquireTime";
        case RENEW -> "renewTime";
        case TRANSITIONS -> "leaderTransitions";
        case STRATEGY -> "strategy";
        default -> "preferredHolder";
      };
    }
  }

  /**
   * Parses an RFC 3339 time by hand, accepting exactly what {@code RFC3339_PARSER} accepts (Go's
   * {@code time.RFC3339} as {@link #decode} documents it): {@code yyyy-MM-ddTHH:mm:ss}, an optional
   * fraction of one to nine digits after a {@code .}, then {@code Z} or {@code +hh:mm} /
   * {@code -hh:mm}; case-sensitive; a real date, hours 00-23, minutes and seconds 00-59 (no leap
   * second), offset hours 00-23 and minutes 00-59 within {@code ZoneOffset}'s range of 18 hours.
   *
   * @return the instant, or {@code null} when the text is not such a time
   */
  static Instant parseRfc3339(char[] c, int off, int len) {
    if (len < 20) {
      return null;
    }
    int year = digits4(c, off);
    int month = digits2(c, off + 5);
    int day = digits2(c, off + 8);
    int hour = digits2(c, off + 11);
    int minute = digits2(c, off + 14);
    int second = digits2(c, off + 17);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0
        || c[off + 4] != '-' || c[off + 7] != '-' || c[off + 10] != 'T' || c[off + 13] != ':' || c[off + 16] != ':'
        || month < 1 || month > 12 || day < 1 || day > monthLength(year, month)
        || hour > 23 || minute > 59 || second > 59) {
      return null;
    }
    int end = off + len;
    int i = off + 19;
    int nanos = 0;
    if (c[i] == '.') {
      int start = ++i;
      while (i < end && i - start < 9 && c[i] >= '0' && c[i] <= '9') {
        nanos = nanos * 10 + (c[i++] - '0');
      }
      int fractionDigits = i - start;
      if (fractionDigits == 0) {
        return null;
      }
      nanos *= POWERS_OF_TEN[9 - fractionDigits];
    }
    if (i >= end) {
      return null;
    }
    int offsetMinutes;
    if (c[i] == 'Z' && i + 1 == end) {
      offsetMinutes = 0;
    } else if ((c[i] == '+' || c[i] == '-') && i + 6 == end && c[i + 3] == ':') {
      int offsetHours = digits2(c, i + 1);
      int offsetMinuteOfHour = digits2(c, i + 4);
      if (offsetHours < 0 || offsetMinuteOfHour < 0 || offsetHours > 23 || offsetMinuteOfHour > 59) {
        return null;
      }
      offsetMinutes = offsetHours * 60 + offsetMinuteOfHour;
      if (offsetMinutes > MAX_OFFSET_MINUTES) {
        return null;
      }
      if (c[i] == '-') {
        offsetMinutes = -offsetMinutes;
      }
    } else {
      return null;
    }
    long epochSecond = epochDay(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second
        - offsetMinutes * 60L;
    return Instant.ofEpochSecond(epochSecond, nanos);
  }

  /** Two ASCII digits as a number, or -1. */
  private static int digits2(char[] c, int i) {
    int a = c[i] - '0';
    int b = c[i + 1] - '0';
    return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
  }

  /** Four ASCII digits as a number, or -1. */
  private static int digits4(char[] c, int i) {
    int high = digits2(c, i);
    int low = digits2(c, i + 2);
    return high < 0 || low < 0 ? -1 : high * 100 + low;
  }

  private static int monthLength(int year, int month) {
    return switch (month) {
      case 2 -> year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** {@code LocalDate.of(year, month, day).toEpochDay()} for years 0 to 9999. */
  private static long epochDay(int year, int month, int day) {
    long y = year;
    long total = 365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
    total += (367 * month - 362) / 12;
    total += day - 1;
    if (month > 2) {
      total -= monthLength(year, 2) == 29 ? 1 : 2;
    }
    return total - DAYS_0000_TO_1970;
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
