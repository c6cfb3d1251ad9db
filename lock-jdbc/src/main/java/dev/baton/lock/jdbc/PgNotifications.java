package dev.baton.lock.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The announcements of writes on PostgreSQL: the channel of a table and the payload of one write,
 * {@code v1 <version> <namespace> <name> <record>} with the last three in Base64 (URL-safe, no
 * padding) so that no name can break the format. A record too large for a notification (PostgreSQL
 * allows 8000 bytes) is left out as {@code -}, and listeners read the row instead.
 */
final class PgNotifications {
  private static final int MAX_PAYLOAD = 7900;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();

  private PgNotifications() {
  }

  /** The channel writes to {@code table} are announced on: its name in lower case, '.' as '_'. */
  static String channel(String table) {
    String c = table.toLowerCase(Locale.ROOT).replace('.', '_');
    return c.length() > 63 ? c.substring(0, 63) : c;
  }

  static String payload(long version, String namespace, String name, byte[] record) {
    String head = "v1 " + version + " " + b64(namespace.getBytes(StandardCharsets.UTF_8)) + " "
        + b64(name.getBytes(StandardCharsets.UTF_8)) + " ";
    String body = b64(record);
    return head.length() + body.length() <= MAX_PAYLOAD ? head + body : head + "-";
  }

  private static String b64(byte[] bytes) {
    return B64.encodeToString(bytes);
  }

  /**
   * One announced write.
   *
   * @param version the row's version after the write
   * @param namespace the lock's namespace
   * @param name the lock's name
   * @param record the bytes written, or empty when they did not fit
   */
  record Write(long version, String namespace, String name, Optional<byte[]> record) {
  }

  /** Reads a payload; empty for one this version does not understand. */
  static Optional<Write> parse(String payload) {
    String[] parts = payload == null ? new String[0] : payload.split(" ", -1);
    if (parts.length != 5 || !parts[0].equals("v1")) {
      return Optional.empty();
    }
    try {
      long version = Long.parseLong(parts[1]);
      String namespace = new String(B64_DECODER.decode(parts[2]), StandardCharsets.UTF_8);
      String name = new String(B64_DECODER.decode(parts[3]), StandardCharsets.UTF_8);
      Optional<byte[]> record = parts[4].equals("-") ? Optional.empty() : Optional.of(B64_DECODER.decode(parts[4]));
      return Optional.of(new Write(version, namespace, name, record));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
