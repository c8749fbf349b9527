package dev.switchboard.engine.delivery;

import dev.switchboard.engine.message.MessageStatus;
import java.time.Instant;

/**
 * One step of a message's history.
 *
 * @param providerMessageId set on {@code sent}
 * @param error set on {@code retrying} and {@code failed}, and on the {@code sent} step that closed
 *     a receipt window ({@code no_receipt})
 */
public record HistoryEntry(
    MessageStatus status, Instant at, String providerMessageId, MessageError error) {}
