package dev.switchboard.engine.delivery;

import dev.switchboard.engine.message.MessageStatus;
import dev.switchboard.engine.message.OutboundMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A message entity's state, rebuilt from its events; {@link #EMPTY} until it is accepted. */
record MessageState(
    OutboundMessage message,
    MessageStatus status,
    int attempts,
    List<HistoryEntry> history,
    MessageError error,
    Instant updatedAt) {

  static final MessageState EMPTY = new MessageState(null, null, 0, List.of(), null, null);

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
        at);
  }

  MessageState attempting(int attempt, Instant at) {
    return next(MessageStatus.SENDING, attempt, at, null, error);
  }

  MessageState sent(String providerMessageId, Instant at) {
    return next(MessageStatus.SENT, attempts, at, providerMessageId, null);
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
    return new MessageState(message, newStatus, newAttempts, List.copyOf(longer), newError, at);
  }

  MessageView view() {
    return new MessageView(message, status, attempts, history, error, updatedAt);
  }
}
