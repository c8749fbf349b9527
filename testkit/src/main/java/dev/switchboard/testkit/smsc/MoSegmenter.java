package dev.switchboard.testkit.smsc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a mobile-originated text the way a phone does: GSM-7 unpacked (dcs 0x00) when every
 * character fits, otherwise UCS-2 (dcs 0x08); over one segment each part starts with the 8-bit
 * reference UDH {@code 05 00 03 ref total seq}. An escape pair or a surrogate pair is never split.
 */
final class MoSegmenter {
  static final byte DCS_GSM7 = 0x00;
  static final byte DCS_UCS2 = 0x08;
  private static final int GSM7_SINGLE = 160;
  private static final int GSM7_PART = 153;
  private static final int UCS2_SINGLE = 70;
  private static final int UCS2_PART = 67;
  private static final int MAX_PARTS = 255;

  /**
   * What to send: the data coding, the short_message of each part, and whether they carry a UDH.
   */
  record Segments(byte dataCoding, List<byte[]> parts, boolean udhi) {
    Segments {
      parts = List.copyOf(parts);
    }
  }

  private MoSegmenter() {}

  static Segments split(String text, int reference) {
    return Gsm7.canEncode(text) ? splitGsm7(text, reference) : splitUcs2(text, reference);
  }

  private static Segments splitGsm7(String text, int reference) {
    List<byte[]> chars = new ArrayList<>(text.length());
    int septets = 0;
    for (int i = 0; i < text.length(); i++) {
      byte[] c = Gsm7.septets(text.charAt(i));
      chars.add(c);
      septets += c.length;
    }
    if (septets <= GSM7_SINGLE) {
      return new Segments(DCS_GSM7, List.of(concat(chars)), false);
    }
    List<List<byte[]>> groups = new ArrayList<>();
    List<byte[]> current = new ArrayList<>();
    int used = 0;
    for (byte[] c : chars) {
      if (used + c.length > GSM7_PART) {
        groups.add(current);
        current = new ArrayList<>();
        used = 0;
      }
      current.add(c);
      used += c.length;
    }
    groups.add(current);
    List<byte[]> bodies = new ArrayList<>(groups.size());
    for (List<byte[]> g : groups) {
      bodies.add(concat(g));
    }
    return new Segments(DCS_GSM7, withUdh(bodies, reference), true);
  }

  private static Segments splitUcs2(String text, int reference) {
    if (text.length() <= UCS2_SINGLE) {
      return new Segments(DCS_UCS2, List.of(text.getBytes(StandardCharsets.UTF_16BE)), false);
    }
    List<byte[]> bodies = new ArrayList<>();
    int start = 0;
    while (start < text.length()) {
      int end = Math.min(start + UCS2_PART, text.length());
      if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
        end--;
      }
      bodies.add(text.substring(start, end).getBytes(StandardCharsets.UTF_16BE));
      start = end;
    }
    return new Segments(DCS_UCS2, withUdh(bodies, reference), true);
  }

  private static List<byte[]> withUdh(List<byte[]> bodies, int reference) {
    int total = bodies.size();
    if (total > MAX_PARTS) {
      throw new IllegalArgumentException("text needs " + total + " parts, at most 255 fit a UDH");
    }
    List<byte[]> parts = new ArrayList<>(total);
    for (int seq = 1; seq <= total; seq++) {
      byte[] body = bodies.get(seq - 1);
      byte[] part = new byte[6 + body.length];
      part[0] = 0x05;
      part[1] = 0x00;
      part[2] = 0x03;
      part[3] = (byte) reference;
      part[4] = (byte) total;
      part[5] = (byte) seq;
      System.arraycopy(body, 0, part, 6, body.length);
      parts.add(part);
    }
    return parts;
  }

  private static byte[] concat(List<byte[]> chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] c : chunks) {
      out.writeBytes(c);
    }
    return out.toByteArray();
  }
}
