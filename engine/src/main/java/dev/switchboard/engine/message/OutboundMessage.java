package dev.switchboard.engine.message;

import dev.switchboard.engine.CborSerializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A message a customer asked us to send, as validated at the API: the unit that is published to the
 * broker, persisted by its entity and handed to a provider.
 *
 * @param from optional sender (null when absent)
 * @param callbackUrl optional status webhook (null when absent)
 * @param ttlSeconds optional time to live (0 when absent): past it the message expires unsent
 */
public record OutboundMessage(
    String id,
    String account,
    String channel,
    String to,
    String from,
    String text,
    String callbackUrl,
    long ttlSeconds,
    Map<String, String> metadata,
    Instant createdAt)
    implements CborSerializable {

  public OutboundMessage {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** True when the message has a time to live that ended before {@code now}. */
  public boolean expiredAt(Instant now) {
    // Compared as an age, so no time to live, however large, can overflow an instant.
    return ttlSeconds > 0 && Duration.between(createdAt, now).getSeconds() >= ttlSeconds;
  }
}
