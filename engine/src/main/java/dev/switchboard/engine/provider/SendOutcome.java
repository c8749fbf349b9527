package dev.switchboard.engine.provider;

import java.time.Duration;
import java.util.List;

/** What the provider said about one attempt. */
public sealed interface SendOutcome {

  /**
   * The provider took the message; receipts will name it by one of {@code partIds} (one per SMS
   * segment; a single id for most providers).
   */
  record Sent(String providerMessageId, List<String> partIds) implements SendOutcome {
    public Sent {
      partIds =
          partIds == null || partIds.isEmpty() ? List.of(providerMessageId) : List.copyOf(partIds);
    }

    public Sent(String providerMessageId) {
      this(providerMessageId, List.of(providerMessageId));
    }
  }

  /**
   * Worth retrying (timeouts, 5xx, an unknown outcome).
   *
   * @param retryAfter the provider's own hint, or null to use the engine's backoff
   */
  record TransientFailure(String code, String reason, Duration retryAfter) implements SendOutcome {}

  /** Never worth retrying (invalid recipient, opted out, content refused). */
  record PermanentFailure(String code, String reason) implements SendOutcome {}

  /**
   * The peer asked us to slow down and did not take the message ({@code ESME_RTHROTTLED}, HTTP
   * 429): the runtime pauses the instance for {@code pause} (null: its default) and sends the same
   * message again. Never reaches a message entity.
   */
  record Throttled(String code, Duration pause) implements SendOutcome {}

  /**
   * No provider took the attempt at all (every instance of the channel down, or the attempt could
   * not start before its deadline): the message is untouched and its job goes back to the broker.
   * Made by the runtime, never by an adapter.
   */
  record NotAttempted(String reason) implements SendOutcome {}
}
