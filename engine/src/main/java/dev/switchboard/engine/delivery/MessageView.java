package dev.switchboard.engine.delivery;

import dev.switchboard.engine.message.MessageStatus;
import dev.switchboard.engine.message.OutboundMessage;
import java.time.Instant;
import java.util.List;

/**
 * What can be read of a message: the message as accepted and where it is now.
 *
 * @param error the last error, null while none
 * @param terminal nothing more will happen to it by itself: delivered, failed, expired, or sent and
 *     past its channel's receipt window
 */
public record MessageView(
    OutboundMessage message,
    MessageStatus status,
    int attempts,
    List<HistoryEntry> history,
    MessageError error,
    Instant updatedAt,
    boolean terminal) {

  /** A view whose status alone says whether it is terminal. */
  public MessageView(
      OutboundMessage message,
      MessageStatus status,
      int attempts,
      List<HistoryEntry> history,
      MessageError error,
      Instant updatedAt) {
    this(message, status, attempts, history, error, updatedAt, status.isTerminal());
  }
}
