package dev.switchboard.testkit.messenger;

import java.time.Instant;

/**
 * A Send API call the stub took, in arrival order.
 *
 * @param mid the {@code message_id} it answered
 * @param recipient the PSID of {@code recipient.id}
 * @param tag the {@code tag}, or null
 */
public record AcceptedMessage(
    String mid,
    String recipient,
    String text,
    String messagingType,
    String tag,
    String body,
    Instant at) {}
