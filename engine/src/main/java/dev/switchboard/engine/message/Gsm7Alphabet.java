package dev.switchboard.engine.message;

/**
 * The GSM 03.38 default alphabet and its extension table, the one copy of them in main code: the
 * API's segment count ({@link SmsEncoding}) and the SMPP codec both read it. An extension character
 * is sent as the escape septet {@link #ESCAPE} followed by its code, so it takes two septets.
 */
public final class Gsm7Alphabet {

  /** The escape to the extension table. */
  public static final int ESCAPE = 0x1B;

  // Stands at the escape's place in BASIC; no lookup ever finds it.
  private static final char NONE = '\uFFFF';

  /** The basic table, row by row from 0x00 to 0x7F. */
  private static final String BASIC =
      "@£$¥èéùìòÇ\nØø\rÅå"
          + "Δ_ΦΓΛΩΠΨΣΘΞ"
          + NONE // 0x1B: the escape, not a character a user can write
          + "ÆæßÉ"
          + " !\"#¤%&'()*+,-./"
          + "0123456789:;<=>?"
          + "¡ABCDEFGHIJKLMNO"
          + "PQRSTUVWXYZÄÖÑÜ§"
          + "¿abcdefghijklmno"
          + "pqrstuvwxyzäöñüà";

  /** The extension table: each character with its code after the escape, in the same order. */
  private static final String EXTENSION_CHARS = "\f^{}\\[~]|€";

  private static final byte[] EXTENSION_CODES = {
    0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65
  };

  private Gsm7Alphabet() {}

  /** Septets {@code c} takes: 1 (basic table), 2 (extension table) or 0 (not in GSM-7). */
  public static int septets(char c) {
    if (basicCode(c) >= 0) {
      return 1;
    }
    return extensionCode(c) >= 0 ? 2 : 0;
  }

  /** True when every character of {@code text} is in the basic or the extension table. */
  public static boolean canEncode(String text) {
    return text.chars().allMatch(c -> septets((char) c) > 0);
  }

  /** The septet of {@code c} in the basic table, or -1 when it is not there. */
  public static int basicCode(char c) {
    return c == NONE ? -1 : BASIC.indexOf(c);
  }

  /** The code after the escape of {@code c} in the extension table, or -1 when it is not there. */
  public static int extensionCode(char c) {
    int k = EXTENSION_CHARS.indexOf(c);
    return k < 0 ? -1 : EXTENSION_CODES[k];
  }

  /**
   * The basic table's character for a septet (the high bit ignored).
   *
   * @throws IllegalArgumentException for the escape, which is no character
   */
  public static char basicChar(int septet) {
    int code = septet & 0x7F;
    if (code == ESCAPE) {
      throw new IllegalArgumentException("0x1B is the escape, not a character");
    }
    return BASIC.charAt(code);
  }

  /** The extension table's character for a code after the escape, or -1 when it has none. */
  public static int extensionChar(int code) {
    for (int k = 0; k < EXTENSION_CODES.length; k++) {
      if (EXTENSION_CODES[k] == code) {
        return EXTENSION_CHARS.charAt(k);
      }
    }
    return -1;
  }
}
