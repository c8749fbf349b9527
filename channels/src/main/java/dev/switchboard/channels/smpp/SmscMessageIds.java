package dev.switchboard.channels.smpp;

import java.math.BigInteger;
import java.util.Locale;

/**
 * SMSC message ids in one canonical form, used for the ids a send returns and for the id a receipt
 * names, so the engine's receipt index matches them by equality: trimmed, lower case, leading zeros
 * stripped ({@code "0"} stays). A receipt's {@code id:} text may be the decimal form of a hex
 * submit_sm_resp id (jsmpp's simulator writes it so); {@link #ofReceiptText} turns it back into hex
 * per {@link Format}.
 */
public final class SmscMessageIds {

  /** How a receipt text's {@code id:} relates to the submit_sm_resp ids. */
  public enum Format {
    /**
     * Decimal text ids are hex ids in decimal once the session has seen a resp id with a letter.
     */
    AUTO,
    /** Text ids are the resp ids themselves. */
    AS_IS,
    /** Text ids in decimal digits are always hex resp ids written in decimal. */
    DECIMAL;

    /** Reads {@code auto}, {@code as-is} or {@code decimal}. */
    public static Format parse(String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "auto" -> AUTO;
        case "as-is" -> AS_IS;
        case "decimal" -> DECIMAL;
        default ->
            throw new IllegalArgumentException(
                "receipt-id-format must be auto, as-is or decimal, was '" + value + "'");
      };
    }
  }

  private SmscMessageIds() {}

  /** The canonical form of an id as the SMSC wrote it (a resp id, a receipted_message_id). */
  public static String canonical(String id) {
    String s = id.trim().toLowerCase(Locale.ROOT);
    int i = 0;
    while (i < s.length() - 1 && s.charAt(i) == '0') {
      i++;
    }
    return s.substring(i);
  }

  /** True when {@code respId} has a hex letter, so the SMSC's ids are hex. */
  public static boolean looksHex(String respId) {
    return respId.chars().anyMatch(c -> (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
  }

  /**
   * The canonical id of a receipt text's {@code id:}.
   *
   * @param sawHexIds whether any resp id of this session had a hex letter
   */
  public static String ofReceiptText(String textId, Format format, boolean sawHexIds) {
    String id = textId.trim();
    boolean decimal = !id.isEmpty() && id.chars().allMatch(c -> c >= '0' && c <= '9');
    boolean convert = decimal && (format == Format.DECIMAL || (format == Format.AUTO && sawHexIds));
    return convert ? new BigInteger(id).toString(16) : canonical(id);
  }
}
