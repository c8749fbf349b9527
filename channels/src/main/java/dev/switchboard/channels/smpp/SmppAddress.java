package dev.switchboard.channels.smpp;

/**
 * An SMPP address with its TON and NPI, worked out from a message's {@code from} or {@code to}
 * (close to Kannel's auto-detection): {@code +} and digits is international (TON 1, NPI 1, sent
 * without the {@code +}); digits only is international when longer than 8 digits, else a network
 * specific short code (TON 3, NPI 0); anything with another character is an alphanumeric sender
 * (TON 5, NPI 0) of at most 11 characters, which only a source may be.
 */
public record SmppAddress(byte ton, byte npi, String address) {
  public static final byte TON_INTERNATIONAL = 1;
  public static final byte TON_NETWORK_SPECIFIC = 3;
  public static final byte TON_ALPHANUMERIC = 5;
  public static final byte NPI_UNKNOWN = 0;
  public static final byte NPI_E164 = 1;

  static final int MAX_DIGITS = 20;
  static final int MAX_ALPHANUMERIC = 11;
  static final int SHORT_CODE_DIGITS = 8;

  /** The address of a sender. */
  public static SmppAddress source(String from) {
    return of(from, true);
  }

  /** The address of a recipient; an alphanumeric recipient is refused. */
  public static SmppAddress destination(String to) {
    return of(to, false);
  }

  /**
   * @throws IllegalArgumentException when the address is empty, too long, or alphanumeric where a
   *     number is needed
   */
  private static SmppAddress of(String raw, boolean source) {
    String s = raw == null ? "" : raw.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty address");
    }
    boolean plus = s.startsWith("+");
    String digits = plus ? s.substring(1) : s;
    if (!digits.isEmpty() && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (digits.length() > MAX_DIGITS) {
        throw new IllegalArgumentException("number longer than " + MAX_DIGITS + " digits: " + s);
      }
      return plus || digits.length() > SHORT_CODE_DIGITS
          ? new SmppAddress(TON_INTERNATIONAL, NPI_E164, digits)
          : new SmppAddress(TON_NETWORK_SPECIFIC, NPI_UNKNOWN, digits);
    }
    if (!source) {
      throw new IllegalArgumentException("recipient is not a number: " + s);
    }
    if (s.length() > MAX_ALPHANUMERIC) {
      throw new IllegalArgumentException(
          "alphanumeric sender longer than " + MAX_ALPHANUMERIC + " characters: " + s);
    }
    return new SmppAddress(TON_ALPHANUMERIC, NPI_UNKNOWN, s);
  }
}
