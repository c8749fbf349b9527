package dev.switchboard.engine.provider;

import dev.switchboard.engine.CborSerializable;
import java.time.Instant;

/**
 * A message a user sent us through a provider (an SMS to our number, a DM). Travels through the
 * channel's inbound queue to the account's inbound webhook.
 *
 * @param id ours, unique ({@code in_...})
 * @param account the account whose number or page received it
 * @param provider the instance it came through
 */
public record InboundMessage(
    String id,
    String account,
    String channel,
    String provider,
    String from,
    String to,
    String text,
    Instant receivedAt)
    implements CborSerializable {}
