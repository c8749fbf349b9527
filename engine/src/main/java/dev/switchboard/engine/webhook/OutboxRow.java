package dev.switchboard.engine.webhook;

import java.time.Instant;

/**
 * One stored event and where its delivery stands.
 *
 * @param target the scheme, host and port it goes to: the unit of concurrency limits
 * @param lastError our words for the last failure (an HTTP status, "timeout", ...), null if none
 * @param updatedAt when the row last changed; for a dead event, when it was dead-lettered
 */
public record OutboxRow(
    String id,
    String account,
    String type,
    String url,
    String target,
    String body,
    String state,
    int attempts,
    String lastError,
    Instant createdAt,
    Instant updatedAt) {

  public static final String PENDING = "pending";
  public static final String DELIVERED = "delivered";
  public static final String DEAD = "dead";
}
