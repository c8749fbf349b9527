package dev.switchboard.channels.smpp;

import dev.switchboard.engine.provider.DeliveryReceipt;
import java.util.Locale;

/**
 * The state a delivery receipt reports, by its {@code stat:} text or its message_state TLV
 * (0x0427). DELIVRD is delivered, EXPIRED expired, UNDELIV, REJECTD, DELETED and UNKNOWN failed;
 * ENROUTE and ACCEPTD are not final (acknowledged and otherwise ignored).
 */
public enum ReceiptState {
  ENROUTE(1, null),
  DELIVRD(2, DeliveryReceipt.Outcome.DELIVERED),
  EXPIRED(3, DeliveryReceipt.Outcome.EXPIRED),
  DELETED(4, DeliveryReceipt.Outcome.FAILED),
  UNDELIV(5, DeliveryReceipt.Outcome.FAILED),
  ACCEPTD(6, null),
  UNKNOWN(7, DeliveryReceipt.Outcome.FAILED),
  REJECTD(8, DeliveryReceipt.Outcome.FAILED);

  private final int messageState;
  private final DeliveryReceipt.Outcome outcome;

  ReceiptState(int messageState, DeliveryReceipt.Outcome outcome) {
    this.messageState = messageState;
    this.outcome = outcome;
  }

  /** The state named by a receipt's {@code stat:} text (any case), or null when unrecognised. */
  public static ReceiptState ofStat(String stat) {
    if (stat == null) {
      return null;
    }
    String upper = stat.trim().toUpperCase(Locale.ROOT);
    for (ReceiptState state : values()) {
      if (state.name().equals(upper)) {
        return state;
      }
    }
    return null;
  }

  /** The state of a message_state TLV value, or null for 0 SCHEDULED, 9 SKIPPED and the rest. */
  public static ReceiptState ofMessageState(int value) {
    for (ReceiptState state : values()) {
      if (state.messageState == value) {
        return state;
      }
    }
    return null;
  }

  /** The engine's outcome, or null when the state is not final. */
  public DeliveryReceipt.Outcome outcome() {
    return outcome;
  }

  public boolean isFinal() {
    return outcome != null;
  }

  /**
   * The error code recorded for a message this receipt ends: null when delivered, else {@code
   * smpp_<stat>} in lower case, followed by {@code _err_<err>} when the receipt has an {@code err:}
   * other than blank, e.g. {@code smpp_undeliv_err_001}, {@code smpp_expired}.
   */
  public String errorCode(String err) {
    if (this == DELIVRD) {
      return null;
    }
    String code = "smpp_" + name().toLowerCase(Locale.ROOT);
    String e = err == null ? "" : err.trim().toLowerCase(Locale.ROOT);
    return e.isEmpty() || !e.matches("[0-9a-z]+") ? code : code + "_err_" + e;
  }
}
