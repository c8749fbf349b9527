package dev.switchboard.channels.smpp;

import dev.switchboard.engine.message.Gsm7Alphabet;
import java.io.ByteArrayOutputStream;
import java.util.Objects;

/**
 * GSM-7 text as SMPP {@code data_coding 0x00} carries it: unpacked, one septet per octet, with the
 * tables of {@link Gsm7Alphabet}. An extension character is the escape septet {@code 0x1B} followed
 * by its code, so it takes two septets.
 */
public final class Gsm7 {

  /** The escape to the extension table. */
  public static final int ESCAPE = Gsm7Alphabet.ESCAPE;

  private Gsm7() {}

  /** Septets {@code c} takes: 1 (basic table), 2 (extension table) or 0 (not in GSM-7). */
  public static int septets(char c) {
    return Gsm7Alphabet.septets(c);
  }

  /** True when every character of {@code text} is in the basic or the extension table. */
  public static boolean canEncode(String text) {
    return Gsm7Alphabet.canEncode(text);
  }

  /**
   * Encodes to unpacked septets.
   *
   * @throws IllegalArgumentException when a character is not in GSM-7 (check {@link #canEncode})
   */
  public static byte[] encode(String text) {
    Objects.requireNonNull(text, "text");
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int basic = Gsm7Alphabet.basicCode(c);
      if (basic >= 0) {
        out.write(basic);
        continue;
      }
      int extension = Gsm7Alphabet.extensionCode(c);
      if (extension < 0) {
        throw new IllegalArgumentException(
            "character U+%04X at %d is not in GSM-7".formatted((int) c, i));
      }
      out.write(ESCAPE);
      out.write(extension);
    }
    return out.toByteArray();
  }

  /**
   * Decodes unpacked septets. The high bit of each octet is ignored; an escape followed by a code
   * the extension table lacks gives the basic character (3GPP TS 23.038's fallback), and a trailing
   * escape is dropped.
   */
  public static String decode(byte[] septets, int offset, int length) {
    StringBuilder text = new StringBuilder(length);
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      int septet = septets[i] & 0x7F;
      if (septet != ESCAPE) {
        text.append(Gsm7Alphabet.basicChar(septet));
        continue;
      }
      if (++i >= end) {
        break;
      }
      int code = septets[i] & 0x7F;
      text.append(extension(code));
    }
    return text.toString();
  }

  public static String decode(byte[] septets) {
    return decode(septets, 0, septets.length);
  }

  private static char extension(int code) {
    int c = Gsm7Alphabet.extensionChar(code);
    if (c >= 0) {
      return (char) c;
    }
    // A double escape or an unknown code: show the basic character, never the escape itself.
    return code == ESCAPE ? ' ' : Gsm7Alphabet.basicChar(code);
  }
}
