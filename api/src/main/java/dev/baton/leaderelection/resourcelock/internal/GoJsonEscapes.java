package dev.baton.leaderelection.resourcelock.internal;

import org.apiguardian.api.API;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.CharacterEscapes;
import tools.jackson.core.io.SerializedString;

/**
 * Jackson character escapes that reproduce Go's {@code encoding/json} string output, so that
 * Baton's record bytes equal client-go's: {@code <}, {@code >}, {@code &}, U+2028 and U+2029 as
 * escapes such as &#92;u003c, {@code \b \f \n \r \t} in short form (Go 1.22 and later), other
 * control characters as &#92;u00XX with lower-case hex; DEL and other characters as they are.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class GoJsonEscapes extends CharacterEscapes {
  private static final long serialVersionUID = 1L;

  private final int[] asciiEscapes;

  /** Creates the escapes. */
  public GoJsonEscapes() {
    int[] esc = CharacterEscapes.standardAsciiEscapesForJSON();
    for (int c = 0; c < 0x20; c++) {
      esc[c] = CharacterEscapes.ESCAPE_CUSTOM;
    }
    esc['<'] = CharacterEscapes.ESCAPE_CUSTOM;
    esc['>'] = CharacterEscapes.ESCAPE_CUSTOM;
    esc['&'] = CharacterEscapes.ESCAPE_CUSTOM;
    this.asciiEscapes = esc;
  }

  @Override
  public int[] getEscapeCodesForAscii() {
    return asciiEscapes.clone();
  }

  @Override
  public SerializableString getEscapeSequence(int ch) {
    switch (ch) {
      case '\b':
        return new SerializedString("\\b");
      case '\f':
        return new SerializedString("\\f");
      case '\n':
        return new SerializedString("\\n");
      case '\r':
        return new SerializedString("\\r");
      case '\t':
        return new SerializedString("\\t");
      default:
        if (ch < 0x20 || ch == '<' || ch == '>' || ch == '&' || ch == 0x2028 || ch == 0x2029) {
          return new SerializedString(String.format("\\u%04x", ch));
        }
        return null;
    }
  }

  /**
   * Replaces unpaired surrogates with U+FFFD, as Go replaces invalid UTF-8 when it encodes.
   *
   * @param s a string
   * @return {@code s}, or a copy without unpaired surrogates
   */
  public static String sanitize(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean lone = Character.isHighSurrogate(c)
          ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
          : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
      if (lone && sb == null) {
        sb = new StringBuilder(s.substring(0, i));
      }
      if (sb != null) {
        sb.append(lone ? '\uFFFD' : c);
      }
    }
    return sb == null ? s : sb.toString();
  }
}
