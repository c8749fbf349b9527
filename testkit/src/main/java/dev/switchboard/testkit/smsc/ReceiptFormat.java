package dev.switchboard.testkit.smsc;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** The de-facto (SMPP 3.4 appendix B) delivery receipt text and the message_state per stat. */
final class ReceiptFormat {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyMMddHHmm").withZone(ZoneOffset.UTC);
  private static final int TEXT_CHARS = 20;
  private static final Map<String, Byte> STATES =
      Map.of(
          "ENROUTE", (byte) 1,
          "DELIVRD", (byte) 2,
          "EXPIRED", (byte) 3,
          "DELETED", (byte) 4,
          "UNDELIV", (byte) 5,
          "ACCEPTD", (byte) 6,
          "UNKNOWN", (byte) 7,
          "REJECTD", (byte) 8);

  private ReceiptFormat() {}

  static String text(
      String id, Instant submitted, Instant done, String stat, String err, String textStart) {
    String dlvrd = "DELIVRD".equals(stat) ? "001" : "000";
    return "id:"
        + id
        + " sub:001 dlvrd:"
        + dlvrd
        + " submit date:"
        + DATE.format(submitted)
        + " done date:"
        + DATE.format(done)
        + " stat:"
        + stat
        + " err:"
        + err
        + " text:"
        + textStart;
  }

  /** message_state for a stat; UNKNOWN (7) for a stat outside the table. */
  static byte messageState(String stat) {
    return STATES.getOrDefault(stat, (byte) 7);
  }

  static boolean isSuccess(String stat) {
    return "DELIVRD".equals(stat);
  }

  /** The first 20 characters of what was submitted, decoded per data_coding, without its UDH. */
  static String textStart(SubmittedMessage m) {
    byte[] body = m.shortMessage();
    if (body.length == 0 && m.messagePayload() != null) {
      body = m.messagePayload();
    }
    int offset = m.udhi() && body.length > 0 ? Math.min(body.length, (body[0] & 0xFF) + 1) : 0;
    byte[] rest = java.util.Arrays.copyOfRange(body, offset, body.length);
    String text =
        switch (m.dataCoding()) {
          case 0x08 -> new String(rest, StandardCharsets.UTF_16BE);
          case 0x00 -> Gsm7.decode(rest);
          default -> new String(rest, StandardCharsets.ISO_8859_1);
        };
    int end =
        text.offsetByCodePoints(0, Math.min(TEXT_CHARS, text.codePointCount(0, text.length())));
    return text.substring(0, end);
  }
}
