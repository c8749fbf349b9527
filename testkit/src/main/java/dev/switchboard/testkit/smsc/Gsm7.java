package dev.switchboard.testkit.smsc;

import java.util.HashMap;
import java.util.Map;

/**
 * The GSM 03.38 default alphabet and its extension table, unpacked (one septet per octet), as an
 * SMSC sends it with data_coding 0x00. Our own table: the testkit must not depend on the engine.
 */
final class Gsm7 {
  static final byte ESCAPE = 0x1B;

  // Index = septet value; position 0x1B is the escape and never maps a character.
  private static final String BASIC =
      "@\u00A3$\u00A5\u00E8\u00E9\u00F9\u00EC\u00F2\u00C7\n\u00D8\u00F8\r\u00C5\u00E5"
          + "\u0394_\u03A6\u0393\u039B\u03A9\u03A0\u03A8\u03A3\u0398\u039E \u00C6\u00E6\u00DF\u00C9"
          + " !\"#\u00A4%&'()*+,-./0123456789:;<=>?"
          + "\u00A1ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00C4\u00D6\u00D1\u00DC\u00A7"
          + "\u00BFabcdefghijklmnopqrstuvwxyz\u00E4\u00F6\u00F1\u00FC\u00E0";

  private static final Map<Character, Byte> BASIC_CODES = new HashMap<>();
  private static final Map<Character, Byte> EXTENSION_CODES =
      Map.of(
          '\f', (byte) 0x0A,
          '^', (byte) 0x14,
          '{', (byte) 0x28,
          '}', (byte) 0x29,
          '\\', (byte) 0x2F,
          '[', (byte) 0x3C,
          '~', (byte) 0x3D,
          ']', (byte) 0x3E,
          '|', (byte) 0x40,
          '\u20AC', (byte) 0x65);

  static {
    for (int i = 0; i < BASIC.length(); i++) {
      if (i != ESCAPE) {
        BASIC_CODES.put(BASIC.charAt(i), (byte) i);
      }
    }
  }

  private Gsm7() {}

  /**
   * The septets of one character: one octet for the basic table, ESC plus code for the extension
   * table, or null when the character has no GSM-7 form.
   */
  static byte[] septets(char c) {
    Byte basic = BASIC_CODES.get(c);
    if (basic != null) {
      return new byte[] {basic};
    }
    Byte extension = EXTENSION_CODES.get(c);
    return extension == null ? null : new byte[] {ESCAPE, extension};
  }

  /** True when every character of the text has a GSM-7 form. */
  static boolean canEncode(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (septets(text.charAt(i)) == null) {
        return false;
      }
    }
    return true;
  }

  /** Decodes unpacked septets; an unknown code becomes '?', as a phone shows it. */
  static String decode(byte[] septets) {
    StringBuilder text = new StringBuilder(septets.length);
    for (int i = 0; i < septets.length; i++) {
      int code = septets[i] & 0x7F;
      if (code == ESCAPE && i + 1 < septets.length) {
        text.append(extensionChar(septets[++i]));
      } else {
        text.append(code == ESCAPE ? '?' : BASIC.charAt(code));
      }
    }
    return text.toString();
  }

  private static char extensionChar(byte code) {
    for (Map.Entry<Character, Byte> e : EXTENSION_CODES.entrySet()) {
      if (e.getValue() == code) {
        return e.getKey();
      }
    }
    return '?';
  }
}
