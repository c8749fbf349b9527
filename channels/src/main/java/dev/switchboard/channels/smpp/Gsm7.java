package dev.switchboard.channels.smpp;

import java.io.ByteArrayOutputStream;
import java.util.Objects;

/**
 * The GSM 03.38 default alphabet and its extension table, as SMPP {@code data_coding 0x00} carries
 * them: unpacked, one septet per octet. An extension character is the escape septet {@code 0x1B}
 * followed by its code, so it takes two septets.
 */
public final class Gsm7 {

  /** The escape to the extension table. */
  public static final int ESCAPE = 0x1B;

  /** The basic table from 0x00 to 0x7F; the escape position holds a character no text can have. */
  private static final String BASIC =
      "@£$¥èéùìòÇ\nØø\rÅå"
          + "Δ_ΦΓΛΩΠΨΣΘΞ\uFFFFÆæßÉ"
          + " !\"#¤%&'()*+,-./"
          + "0123456789:;<=>?"
          + "¡ABCDEFGHIJKLMNO"
          + "PQRSTUVWXYZÄÖÑÜ§"
          + "¿abcdefghijklmno"
          + "pqrstuvwxyzäöñüà";

  private static final String EXTENSION_CHARS = "\f^{}\\[~]|€";
  private static final byte[] EXTENSION_CODES = {
    0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65
  };

  private Gsm7() {}

  /** Septets {@code c} takes: 1 (basic table), 2 (extension table) or 0 (not in GSM-7). */
  public static int septets(char c) {
    if (c != '\uFFFF' && BASIC.indexOf(c) >= 0) {
      return 1;
    }
    return EXTENSION_CHARS.indexOf(c) >= 0 ? 2 : 0;
  }

  /** True when every character of {@code text} is in the basic or the extension table. */
  public static boolean canEncode(String text) {
    return text.chars().allMatch(c -> septets((char) c) > 0);
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
      int basic = c == '\uFFFF' ? -1 : BASIC.indexOf(c);
      if (basic >= 0) {
        out.write(basic);
        continue;
      }
      int extension = EXTENSION_CHARS.indexOf(c);
      if (extension < 0) {
        throw new IllegalArgumentException(
            "character U+%04X at %d is not in GSM-7".formatted((int) c, i));
      }
      out.write(ESCAPE);
      out.write(EXTENSION_CODES[extension]);
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
        text.append(BASIC.charAt(septet));
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
    for (int k = 0; k < EXTENSION_CODES.length; k++) {
      if (EXTENSION_CODES[k] == code) {
        return EXTENSION_CHARS.charAt(k);
      }
    }
    // A double escape or an unknown code: show the basic character, never the escape itself.
    return code == ESCAPE ? ' ' : BASIC.charAt(code);
  }
}
