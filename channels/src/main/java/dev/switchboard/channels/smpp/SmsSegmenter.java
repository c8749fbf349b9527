package dev.switchboard.channels.smpp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a text into SMS segments, with the same choices as the engine's {@code SmsEncoding} (which
 * the API reports): GSM-7 when every character is in GSM 03.38, UCS-2 otherwise; one segment of up
 * to 160 septets or 70 UTF-16 units without a UDH, else segments of at most 153 septets or 67 units
 * behind the 8-bit-reference concatenation UDH {@code 05 00 03 REF TOTAL SEQ}. An escape pair or a
 * surrogate pair is never split: it moves whole to the next segment.
 */
public final class SmsSegmenter {
  static final int GSM_7_SINGLE = 160;
  static final int GSM_7_MULTI = 153;
  static final int UCS_2_SINGLE = 70;
  static final int UCS_2_MULTI = 67;
  static final int MAX_PARTS = 255;

  private SmsSegmenter() {}

  /**
   * Encodes and segments {@code text}. An empty text gives one empty segment (SMPP allows it; the
   * API refuses empty texts before they get here).
   *
   * @param reference the concatenation reference, 0..255, shared by the segments of this text
   * @throws IllegalArgumentException when the reference is out of range or the text needs more than
   *     255 segments
   */
  public static EncodedSms segment(String text, int reference) {
    if (reference < 0 || reference > 255) {
      throw new IllegalArgumentException("reference must be 0..255, was " + reference);
    }
    boolean gsm = Gsm7.canEncode(text);
    List<String> chunks =
        gsm
            ? split(text, GSM_7_SINGLE, GSM_7_MULTI, true)
            : split(text, UCS_2_SINGLE, UCS_2_MULTI, false);
    byte dataCoding = gsm ? EncodedSms.GSM_7 : EncodedSms.UCS_2;
    if (chunks.size() == 1) {
      return new EncodedSms(dataCoding, List.of(encode(chunks.get(0), gsm)), false);
    }
    if (chunks.size() > MAX_PARTS) {
      throw new IllegalArgumentException("text needs " + chunks.size() + " segments, over 255");
    }
    List<byte[]> parts = new ArrayList<>(chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      byte[] body = encode(chunks.get(i), gsm);
      ByteArrayOutputStream part = new ByteArrayOutputStream(6 + body.length);
      part.writeBytes(new byte[] {5, 0, 3, (byte) reference, (byte) chunks.size(), (byte) (i + 1)});
      part.writeBytes(body);
      parts.add(part.toByteArray());
    }
    return new EncodedSms(dataCoding, parts, true);
  }

  /** The segment count {@link #segment} would give, without encoding. */
  public static int count(String text) {
    return Gsm7.canEncode(text)
        ? split(text, GSM_7_SINGLE, GSM_7_MULTI, true).size()
        : split(text, UCS_2_SINGLE, UCS_2_MULTI, false).size();
  }

  private static byte[] encode(String chunk, boolean gsm) {
    return gsm ? Gsm7.encode(chunk) : chunk.getBytes(StandardCharsets.UTF_16BE);
  }

  /** Splits into chunks of whole characters (escape pairs, surrogate pairs) by their unit size. */
  private static List<String> split(String text, int single, int multi, boolean gsm) {
    int total = 0;
    for (int i = 0; i < text.length(); i++) {
      total += gsm ? Gsm7.septets(text.charAt(i)) : 1;
    }
    if (total <= single) {
      return List.of(text);
    }
    List<String> chunks = new ArrayList<>();
    int start = 0;
    int used = 0;
    int i = 0;
    while (i < text.length()) {
      int chars = gsm ? 1 : Character.charCount(text.codePointAt(i));
      int units = gsm ? Gsm7.septets(text.charAt(i)) : chars;
      if (used + units > multi) {
        chunks.add(text.substring(start, i));
        start = i;
        used = 0;
      }
      used += units;
      i += chars;
    }
    chunks.add(text.substring(start));
    return chunks;
  }
}
