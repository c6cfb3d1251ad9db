package dev.baton.leaderelection.resourcelock;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Holds {@link LeaderElectionRecordCodec} to its previous implementation
 * ({@link OldLeaderElectionRecordCodec}) on thousands of generated and mutated inputs: the same
 * bytes for every record, and for every input the same record or the same exception (type,
 * message, cause type and cause message).
 */
@DisplayName("LeaderElectionRecordCodec against its previous implementation")
class LeaderElectionRecordCodecDifferentialTest {

  private static final long SEED = 20_261_130L;
  private static final String LOCK = "ns/name (differential)";

  /** Characters that Go's encoder, Jackson's parser or UTF-8 treat specially. */
  private static final String[] PIECES = {"a", "Z", "0", " ", "/", "\"", "\\", "<", ">", "&", "\u007f", "\u0000", "\b",
      "\f", "\n", "\r", "\t", "\u0001", "\u001f", "\u0080", "\u00e9", "\u07ff", "\u0800", "\u65e5", "\u2028", "\u2029",
      "\ufffd", "\uffff", "\ud83d\ude00", "\ud83d", "\ude00", "\udbff\udfff", "node-", "-", "."};

  private static final String[] KEYS = {"holderIdentity", "leaseDurationSeconds", "acquireTime", "renewTime",
      "leaderTransitions", "strategy", "preferredHolder"};

  /** Values of every JSON type, valid and invalid for each key. */
  private static final String[] VALUES = {"null", "true", "false", "0", "-0", "1", "-1", "15", "2147483647",
      "2147483648", "-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
      "99999999999999999999", "1000000000000000000000000000000", "1.5", "1e3", "1E+2", "-0.0", "0.1e-5", "\"\"",
      "\"15\"", "\"a\"", "\"\\u003c\"", "\"2030-01-01T00:00:00Z\"", "\"2030-01-01T02:00:00.5+02:00\"",
      "\"0001-01-01T00:00:00Z\"", "\"yesterday\"", "[]", "{}", "[1,\"<\",{\"a\":null}]", "{\"x\":[1,2,{\"y\":\"&\"}]}",
      "[1.5e300,-0,true]", "\"\\ud83d\\ude00\"", "\"\\ud83d\"", "1" + "0".repeat(999), "1" + "0".repeat(1000),
      "0." + "1".repeat(1000), "[[[[[[[[[[]]]]]]]]]]", "\"\u00e9\u65e5\""};

  private static final byte[] MUTATION_BYTES = "{}[]\":,0123456789-+.eEtrufalsn \t\n\\TZ:/u".getBytes(UTF_8);

  private final Random random = new Random(SEED);

  @Test
  @DisplayName("encode writes the same bytes for 5,000 generated records")
  void encodeAgrees() {
    for (int i = 0; i < 5_000; i++) {
      LeaderElectionRecord record = randomRecord();
      byte[] expected = OldLeaderElectionRecordCodec.encode(record);
      byte[] actual = LeaderElectionRecordCodec.encode(record);
      int n = i;
      assertArrayEquals(expected, actual, () -> "record " + n + " " + record);
    }
  }

  @Test
  @DisplayName("decode agrees on the record or on the exception for 6,000 generated and mutated inputs")
  void decodeAgrees() {
    Map<String, Integer> outcomes = new HashMap<>();
    List<byte[]> inputs = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      byte[] valid = random.nextBoolean() ? OldLeaderElectionRecordCodec.encode(randomRecord()) : randomObject();
      inputs.add(valid);
      inputs.add(mutate(valid, 1));
      inputs.add(mutate(valid, 1));
      inputs.add(mutate(valid, 1 + random.nextInt(4)));
      inputs.add(retype(valid));
      inputs.add(utf8("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"renewTime\":\"" + randomTime() + "\"}"));
    }
    for (int i = 0; i < inputs.size(); i++) {
      String outcome = assertSameOutcome(i, inputs.get(i));
      outcomes.merge(outcome, 1, Integer::sum);
    }
    int accepted = outcomes.getOrDefault("record", 0);
    assertTrue(accepted > inputs.size() / 5 && accepted < inputs.size() * 4 / 5,
        "the generator should give both records and errors: " + outcomes);
    long kinds = outcomes.keySet().stream().filter(k -> !k.equals("record")).count();
    assertTrue(kinds >= 8, "the generator should reach many kinds of error: " + outcomes);
  }

  @Test
  @DisplayName("decode agrees on fixed inputs that reach each branch: types, repeats, numbers at the limits, times")
  void decodeAgreesOnFixedInputs() {
    List<String> inputs = new ArrayList<>();
    for (String key : KEYS) {
      for (String value : VALUES) {
        inputs.add("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"" + key + "\":" + value + "}");
        inputs.add("{\"" + key + "\":" + value + ",\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"" + key
            + "\":\"x\"}");
        inputs.add("{\"holderIdentity\":\"a\",\"" + key + "\":" + value + "}");
        inputs.add("{\"extra\":" + value + ",\"" + key + "\":" + value + "}");
      }
    }
    for (String value : VALUES) {
      inputs.add(value);
      inputs.add(" " + value + " ");
      inputs.add(value + " " + value);
    }
    inputs.add("{\"holderIdentity\":7,\"leaseDurationSeconds\":-1,\"acquireTime\":1,\"renewTime\":2,"
        + "\"leaderTransitions\":-3,\"strategy\":4,\"preferredHolder\":5}");
    inputs.add("{\"preferredHolder\":5,\"strategy\":4,\"leaderTransitions\":-3,\"renewTime\":\"x\",\"acquireTime\":\"y\","
        + "\"leaseDurationSeconds\":-1,\"holderIdentity\":7}");
    inputs.add("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"leaderTransitions\":-3,\"leaderTransitions\":3}");
    inputs.add("{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":1,\"leaderTransitions\":3,\"leaderTransitions\":-3}");
    for (int i = 0; i < inputs.size(); i++) {
      assertSameOutcome(i, utf8(inputs.get(i)));
    }
  }

  /** Fails unless both codecs decode the input alike; returns the kind of outcome. */
  private static String assertSameOutcome(int n, byte[] input) {
    Object expected = outcome(() -> OldLeaderElectionRecordCodec.decode(input, LOCK));
    Object actual = outcome(() -> LeaderElectionRecordCodec.decode(input, LOCK));
    String where = "input " + n + ": " + OldLeaderElectionRecordCodec.preview(input) + " " + new String(input, UTF_8);
    if (expected instanceof ObservedRecord e && actual instanceof ObservedRecord a) {
      assertEquals(e.record(), a.record(), where);
      assertArrayEquals(e.raw(), a.raw(), where);
      return "record";
    }
    if (expected instanceof Throwable e && actual instanceof Throwable a) {
      assertEquals(e.getClass(), a.getClass(), where);
      assertEquals(e.getMessage(), a.getMessage(), where);
      Throwable ec = e.getCause();
      Throwable ac = a.getCause();
      assertEquals(ec == null ? null : ec.getClass(), ac == null ? null : ac.getClass(), where);
      assertEquals(ec == null ? null : ec.getMessage(), ac == null ? null : ac.getMessage(), where);
      String problem = e instanceof CorruptRecordException c ? c.problem() : e.getClass().getSimpleName();
      int cut = problem.indexOf(" (");
      cut = cut < 0 ? problem.indexOf(", found") : cut;
      cut = cut < 0 ? problem.indexOf(':') : cut;
      return cut < 0 ? problem : problem.substring(0, cut);
    }
    return fail(where + ": the old codec gave " + expected + " but the new one " + actual);
  }

  private interface Decoding {
    ObservedRecord decode() throws Exception;
  }

  private static Object outcome(Decoding d) {
    try {
      return d.decode();
    } catch (Exception | Error e) {
      return e;
    }
  }

  private LeaderElectionRecord randomRecord() {
    return new LeaderElectionRecord(randomString(), randomInt(), randomInstant(), randomInstant(), randomInt(),
        random.nextInt(3) == 0 ? randomString() : "", random.nextInt(3) == 0 ? randomString() : "");
  }

  private String randomString() {
    int length = random.nextInt(4) == 0 ? 0 : random.nextInt(12);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(random.nextInt(3) == 0 ? PIECES[random.nextInt(PIECES.length)] : String.valueOf((char) random.nextInt(0x10000)));
    }
    return sb.toString();
  }

  private int randomInt() {
    return switch (random.nextInt(5)) {
      case 0 -> 0;
      case 1 -> Integer.MAX_VALUE - random.nextInt(3);
      case 2 -> random.nextInt(100);
      default -> random.nextInt(Integer.MAX_VALUE);
    };
  }

  private Instant randomInstant() {
    return switch (random.nextInt(8)) {
      case 0 -> null;
      case 1 -> Instant.parse("0001-01-01T00:00:00Z");
      case 2 -> Instant.ofEpochSecond(random.nextLong(-62_167_219_200L - 86_400L * 400, 253_402_300_800L + 86_400L * 400),
          random.nextInt(1_000_000_000));
      case 3 -> Instant.ofEpochSecond(random.nextLong(-31_557_014_135_532_000L, 31_556_889_832_780_799L));
      default -> Instant.ofEpochSecond(1_700_000_000L + random.nextInt(400_000_000), random.nextBoolean() ? 0
          : random.nextInt(1_000_000_000));
    };
  }

  /** A time string from the RFC 3339 grammar, with one part out of range or misspelt now and then. */
  private String randomTime() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%04d", random.nextInt(10) == 0 ? random.nextInt(100_000) : random.nextInt(10_000)));
    sb.append(pick('-', "-/T "));
    sb.append(String.format("%02d", random.nextInt(14)));
    sb.append(pick('-', "-/T"));
    sb.append(String.format("%02d", random.nextInt(33)));
    sb.append(pick('T', "tT z"));
    sb.append(String.format("%02d:%02d:%02d", random.nextInt(26), random.nextInt(62), random.nextInt(62)));
    if (random.nextBoolean()) {
      sb.append(pick('.', ".,"));
      int digits = random.nextInt(11);
      for (int i = 0; i < digits; i++) {
        sb.append((char) ('0' + random.nextInt(10)));
      }
    }
    switch (random.nextInt(4)) {
      case 0 -> sb.append(pick('Z', "zZ+ "));
      case 1 -> sb.append(String.format("%c%02d:%02d", random.nextBoolean() ? '+' : '-', random.nextInt(26),
          random.nextInt(62)));
      case 2 -> sb.append(String.format("%c%02d:%02d", random.nextBoolean() ? '+' : '-', 17 + random.nextInt(2),
          random.nextInt(3) == 0 ? 1 : 0));
      default -> sb.append(random.nextInt(6) == 0 ? "Z+01:00" : "Z");
    }
    if (random.nextInt(20) == 0) {
      sb.setLength(random.nextInt(sb.length() + 1));
    }
    return sb.toString();
  }

  /** Usually {@code usual}, now and then one of {@code others}. */
  private char pick(char usual, String others) {
    return random.nextInt(12) == 0 ? others.charAt(random.nextInt(others.length())) : usual;
  }

  /** An object of the record's keys and others, in random order, with random (often valid) values. */
  private byte[] randomObject() {
    StringBuilder sb = new StringBuilder("{");
    int n = random.nextInt(9);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(',');
      }
      String key = random.nextInt(8) == 0 ? "other" + random.nextInt(3) : KEYS[random.nextInt(KEYS.length)];
      sb.append('"').append(key).append("\":").append(valueFor(key));
    }
    if (random.nextInt(3) > 0) {
      sb.append(",\"holderIdentity\":\"h\",\"leaseDurationSeconds\":").append(random.nextInt(100));
    }
    return utf8(sb.append('}').toString().replace("{,", "{"));
  }

  private String valueFor(String key) {
    if (random.nextInt(4) == 0) {
      return VALUES[random.nextInt(VALUES.length)];
    }
    return switch (key) {
      case "leaseDurationSeconds", "leaderTransitions" -> String.valueOf(random.nextInt(1000));
      case "acquireTime", "renewTime" -> "\"" + randomTime() + "\"";
      default -> "\"" + jsonEscape(randomString()) + "\"";
    };
  }

  /** JSON string content: the escapes a valid encoder may write, chosen at random among them. */
  private String jsonEscape(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\' || c < 0x20 || random.nextInt(10) == 0) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The input with one value replaced by a value of another type. */
  private byte[] retype(byte[] input) {
    String s = new String(input, UTF_8);
    String key = KEYS[random.nextInt(KEYS.length)];
    int at = s.indexOf("\"" + key + "\":");
    if (at < 0) {
      return input;
    }
    int start = at + key.length() + 3;
    int end = start;
    while (end < s.length() && s.charAt(end) != ',' && s.charAt(end) != '}') {
      end += s.charAt(end) == '"' ? Math.max(1, s.indexOf('"', end + 1) - end + 1) : 1;
    }
    return utf8(s.substring(0, start) + VALUES[random.nextInt(VALUES.length)] + s.substring(Math.min(end, s.length())));
  }

  /** The input with {@code times} byte mutations: replaced, inserted, deleted, duplicated, truncated. */
  private byte[] mutate(byte[] input, int times) {
    byte[] b = input;
    for (int t = 0; t < times && b.length > 0; t++) {
      int at = random.nextInt(b.length);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      switch (random.nextInt(6)) {
        case 0 -> {
          out.write(b, 0, at);
          out.write(randomByte());
          out.write(b, at + 1, b.length - at - 1);
        }
        case 1 -> {
          out.write(b, 0, at);
          out.write(randomByte());
          out.write(b, at, b.length - at);
        }
        case 2 -> {
          out.write(b, 0, at);
          out.write(b, at + 1, b.length - at - 1);
        }
        case 3 -> {
          int len = random.nextInt(Math.min(12, b.length - at)) + 1;
          out.write(b, 0, at + len);
          out.write(b, at, b.length - at);
        }
        case 4 -> out.write(b, 0, at);
        default -> {
          out.write(b, 0, at);
          out.write('0' + random.nextInt(10));
          out.write(b, at + 1, b.length - at - 1);
        }
      }
      b = out.toByteArray();
    }
    return b;
  }

  private int randomByte() {
    return random.nextInt(8) == 0 ? 0x80 + random.nextInt(0x80) : MUTATION_BYTES[random.nextInt(MUTATION_BYTES.length)];
  }

  private static byte[] utf8(String s) {
    return s.getBytes(UTF_8);
  }
}
