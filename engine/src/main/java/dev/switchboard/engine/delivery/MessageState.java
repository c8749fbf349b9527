package dev.switchboard.engine.delivery;

import dev.switchboard.engine.message.MessageStatus;
import dev.switchboard.engine.message.OutboundMessage;
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
 */
record MessageState(
    OutboundMessage message,
    MessageStatus status,
    int attempts,
    List<HistoryEntry> history,
    MessageError error,
    Instant updatedAt,
    List<String> parts,
    Set<String> deliveredParts) {

  static final MessageState EMPTY =
      new MessageState(null, null, 0, List.of(), null, null, List.of(), Set.of());

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
        Set.of());
  }

  MessageState attempting(int attempt, Instant at) {
    return next(MessageStatus.SENDING, attempt, at, null, error);
  }

  MessageState sent(String providerMessageId, List<String> partIds, Instant at) {
    MessageState sent = next(MessageStatus.SENT, attempts, at, providerMessageId, null);
    List<String> ids = partIds == null ? List.of() : List.copyOf(partIds);
    return new MessageState(message, sent.status, attempts, sent.history, null, at, ids, Set.of());
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
        message, status, attempts, history, error, updatedAt, parts, Set.copyOf(delivered));
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
        message, newStatus, newAttempts, List.copyOf(longer), newError, at, parts, deliveredParts);
  }

  MessageView view() {
    return new MessageView(message, status, attempts, history, error, updatedAt);
  }
}
