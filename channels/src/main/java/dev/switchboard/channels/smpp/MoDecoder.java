package dev.switchboard.channels.smpp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes the short message of a mobile-originated deliver_sm: its user data header when esm_class
 * has UDHI (the concatenation IEs 0x00 with an 8-bit and 0x08 with a 16-bit reference; other IEs
 * are skipped), then its text by data_coding: 0x00 GSM-7 unpacked, 0x08 UCS-2 (UTF-16BE), 0x03
 * Latin-1, 0x01 IA5 (ASCII). In the GSM general data coding groups (0x10-0x1F with a message class,
 * 0xF0-0xFF) the alphabet bits choose GSM-7, UCS-2 or 8-bit; every other value is decoded as
 * Latin-1, which never fails and keeps one character per octet for a human to read.
 */
public final class MoDecoder {
  private static final int IE_CONCAT_8 = 0x00;
  private static final int IE_CONCAT_16 = 0x08;

  private MoDecoder() {}

  /**
   * @param shortMessage the short_message octets; when empty, {@code payload} is used
   * @param payload the message_payload TLV (0x0424) value, or null
   * @throws IllegalArgumentException when the UDH runs past the message
   */
  public static MoPart decode(byte dataCoding, byte esmClass, byte[] shortMessage, byte[] payload) {
    byte[] octets =
        shortMessage != null && shortMessage.length > 0
            ? shortMessage
            : payload == null ? new byte[0] : payload;
    int offset = 0;
    MoPart.Concat concat = null;
    if ((esmClass & EncodedSms.ESM_UDHI) != 0 && octets.length > 0) {
      int headerLength = octets[0] & 0xFF;
      if (1 + headerLength > octets.length) {
        throw new IllegalArgumentException(
            "UDH of " + headerLength + " octets in a message of " + octets.length);
      }
      concat = concatOf(octets, 1, 1 + headerLength);
      offset = 1 + headerLength;
    }
    return new MoPart(text(dataCoding, octets, offset), concat);
  }

  /** Walks the IEs between {@code from} and {@code to}; the last concatenation IE wins. */
  private static MoPart.Concat concatOf(byte[] octets, int from, int to) {
    MoPart.Concat concat = null;
    int i = from;
    while (i + 1 < to) {
      int id = octets[i] & 0xFF;
      int length = octets[i + 1] & 0xFF;
      int data = i + 2;
      if (data + length > to) {
        throw new IllegalArgumentException("UDH element 0x%02X runs past the header".formatted(id));
      }
      if (id == IE_CONCAT_8 && length == 3) {
        concat = concat(octets[data] & 0xFF, octets[data + 1], octets[data + 2]);
      } else if (id == IE_CONCAT_16 && length == 4) {
        int reference = ((octets[data] & 0xFF) << 8) | (octets[data + 1] & 0xFF);
        concat = concat(reference, octets[data + 2], octets[data + 3]);
      }
      i = data + length;
    }
    return concat;
  }

  /** A header with total 0 or seq out of range is not a concatenation (23.040 says ignore it). */
  private static MoPart.Concat concat(int reference, byte total, byte seq) {
    int t = total & 0xFF;
    int s = seq & 0xFF;
    return t == 0 || s == 0 || s > t ? null : new MoPart.Concat(reference, t, s);
  }

  static String text(byte dataCoding, byte[] octets, int offset) {
    byte[] body = Arrays.copyOfRange(octets, offset, octets.length);
    return switch (alphabet(dataCoding & 0xFF)) {
      case GSM_7 -> Gsm7.decode(body);
      case UCS_2 -> new String(body, StandardCharsets.UTF_16BE);
      case ASCII -> new String(body, StandardCharsets.US_ASCII);
      case LATIN_1 -> new String(body, StandardCharsets.ISO_8859_1);
    };
  }

  private enum Alphabet {
    GSM_7,
    UCS_2,
    ASCII,
    LATIN_1
  }

  private static Alphabet alphabet(int dataCoding) {
    if (dataCoding >= 0x10 && dataCoding <= 0x1F) {
      return switch (dataCoding & 0x0C) {
        case 0x00 -> Alphabet.GSM_7;
        case 0x08 -> Alphabet.UCS_2;
        default -> Alphabet.LATIN_1;
      };
    }
    if (dataCoding >= 0xF0) {
      return (dataCoding & 0x04) == 0 ? Alphabet.GSM_7 : Alphabet.LATIN_1;
    }
    return switch (dataCoding) {
      case 0x00 -> Alphabet.GSM_7;
      case 0x08 -> Alphabet.UCS_2;
      case 0x01 -> Alphabet.ASCII;
      default -> Alphabet.LATIN_1;
    };
  }
}
