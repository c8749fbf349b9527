package dev.switchboard.engine.provider;

import java.time.Duration;

/** What the provider said about one attempt. */
public sealed interface SendOutcome {

  /** The provider took the message; receipts will name it by {@code providerMessageId}. */
  record Sent(String providerMessageId) implements SendOutcome {}

  /**
   * Worth retrying (timeouts, 5xx, throttling).
   *
   * @param retryAfter the provider's own hint, or null to use the engine's backoff
   */
  record TransientFailure(String code, String reason, Duration retryAfter) implements SendOutcome {}

  /** Never worth retrying (invalid recipient, opted out, content refused). */
  record PermanentFailure(String code, String reason) implements SendOutcome {}
}
