package dev.switchboard.channels.smpp;

import java.util.List;

/**
 * A text as it goes on the wire: one {@code short_message} per segment.
 *
 * @param dataCoding {@link #GSM_7} or {@link #UCS_2}
 * @param parts the short_message octets of each segment, in order; each starts with the UDH when
 *     {@code udhi}
 * @param udhi whether esm_class must carry the UDH indicator ({@link #ESM_UDHI})
 */
public record EncodedSms(byte dataCoding, List<byte[]> parts, boolean udhi) {
  /** data_coding 0x00: the SMSC default alphabet, GSM 03.38 unpacked. */
  public static final byte GSM_7 = 0x00;

  /** data_coding 0x08: UCS-2, sent as UTF-16BE. */
  public static final byte UCS_2 = 0x08;

  /** esm_class bit: short_message starts with a user data header. */
  public static final byte ESM_UDHI = 0x40;

  public EncodedSms {
    parts = List.copyOf(parts);
  }

  public int segments() {
    return parts.size();
  }
}
