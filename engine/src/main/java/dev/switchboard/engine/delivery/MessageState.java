package dev.switchboard.engine.delivery;

import dev.switchboard.engine.message.MessageStatus;
import dev.switchboard.engine.message.OutboundMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A message entity's state, rebuilt from its events; {@link #EMPTY} until it is accepted.
 *
 * @param parts the provider's ids of the message's parts (SMS segments) once it is sent
 * @param deliveredParts the parts a receipt reported delivered so far
 * @param receiptWindowClosed a {@code sent} message whose receipt did not come within its channel's
 *     window: it is terminal (a receipt may still come and end it better)
 */
record MessageState(
    OutboundMessage message,
    MessageStatus status,
    int attempts,
    List<HistoryEntry> history,
    MessageError error,
    Instant updatedAt,
    List<String> parts,
    Set<String> deliveredParts,
    boolean receiptWindowClosed) {

  static final MessageState EMPTY =
      new MessageState(null, null, 0, List.of(), null, null, List.of(), Set.of(), false);

  boolean isEmpty() {
    return message == null;
  }

  static MessageState accepted(OutboundMessage message, Instant at) {
    return new MessageState(
        message,
        MessageStatus.ACCEPTED,
        0,
        List.of(new HistoryEntry(MessageStatus.ACCEPTED, at, null, null)),
        null,
        at,
        List.of(),
        Set.of(),
        false);
  }

  MessageState attempting(int attempt, Instant at) {
    return next(MessageStatus.SENDING, attempt, at, null, error);
  }

  MessageState sent(String providerMessageId, List<String> partIds, Instant at) {
    MessageState sent = next(MessageStatus.SENT, attempts, at, providerMessageId, null);
    List<String> ids = partIds == null ? List.of() : List.copyOf(partIds);
    return new MessageState(
        message, sent.status, attempts, sent.history, null, at, ids, Set.of(), false);
  }

  /**
   * A receipt reported {@code part} delivered: the message is delivered once every part is; a
   * receipt naming no part, or a message of one part, delivers it at once.
   */
  MessageState partDelivered(String part, Instant at) {
    if (part == null || parts.size() <= 1 || !parts.contains(part)) {
      return moved(MessageStatus.DELIVERED, null, at);
    }
    Set<String> delivered = new HashSet<>(deliveredParts);
    delivered.add(part);
    if (delivered.size() == parts.size()) {
      return moved(MessageStatus.DELIVERED, null, at);
    }
    return new MessageState(
        message,
        status,
        attempts,
        history,
        error,
        updatedAt,
        parts,
        Set.copyOf(delivered),
        receiptWindowClosed);
  }

  /**
   * A receipt reported the message read: it is {@code read}, after a {@code delivered} step of the
   * same time when no receipt had delivered it yet (a message read was delivered).
   */
  MessageState read(Instant at) {
    MessageState delivered =
        status == MessageStatus.DELIVERED ? this : moved(MessageStatus.DELIVERED, null, at);
    return delivered.moved(MessageStatus.READ, null, at);
  }

  /** To {@code status}; the error becomes {@code newError} (null clears it). */
  MessageState moved(MessageStatus status, MessageError newError, Instant at) {
    return next(status, attempts, at, null, newError);
  }

  private MessageState next(
      MessageStatus newStatus,
      int newAttempts,
      Instant at,
      String providerId,
      MessageError newError) {
    List<HistoryEntry> longer = new ArrayList<>(history.size() + 1);
    longer.addAll(history);
    MessageError stepError =
        newStatus == MessageStatus.RETRYING || newStatus == MessageStatus.FAILED ? newError : null;
    longer.add(new HistoryEntry(newStatus, at, providerId, stepError));
    return new MessageState(
        message,
        newStatus,
        newAttempts,
        List.copyOf(longer),
        newError,
        at,
        parts,
        deliveredParts,
        receiptWindowClosed);
  }

  /**
   * No receipt came within {@code window}: still {@code sent}, now terminal, with the reason as its
   * error and as a history step (so the customer's status event has an id of its own).
   */
  MessageState receiptWindowClosed(Duration window, Instant at) {
    MessageError noReceipt =
        new MessageError("no_receipt", "no delivery receipt within " + describe(window));
    List<HistoryEntry> longer = new ArrayList<>(history);
    longer.add(new HistoryEntry(MessageStatus.SENT, at, null, noReceipt));
    return new MessageState(
        message, status, attempts, List.copyOf(longer), noReceipt, at, parts, deliveredParts, true);
  }

  // "48h", "90s": the window as configured, in the largest whole unit.
  private static String describe(Duration window) {
    if (window.toSeconds() % 3600 == 0 && !window.isZero()) {
      return window.toHours() + "h";
    }
    if (window.toSeconds() % 60 == 0 && window.toMillis() % 1000 == 0 && !window.isZero()) {
      return window.toMinutes() + "m";
    }
    return window.toMillis() % 1000 == 0 ? window.toSeconds() + "s" : window.toMillis() + "ms";
  }

  /** Whether nothing will happen to the message by itself any more (a late receipt aside). */
  boolean isTerminal() {
    return status != null
        && (status.isTerminal() || status == MessageStatus.SENT && receiptWindowClosed);
  }

  MessageView view() {
    return new MessageView(message, status, attempts, history, error, updatedAt, isTerminal());
  }
}
