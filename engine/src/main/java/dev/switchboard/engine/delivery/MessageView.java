package dev.switchboard.engine.delivery;

import dev.switchboard.engine.message.MessageStatus;
import dev.switchboard.engine.message.OutboundMessage;
import java.time.Instant;
import java.util.List;

/**
 * What can be read of a message: the message as accepted and where it is now.
 *
 * @param error the last error, null while none
 */
public record MessageView(
    OutboundMessage message,
    MessageStatus status,
    int attempts,
    List<HistoryEntry> history,
    MessageError error,
    Instant updatedAt) {}
