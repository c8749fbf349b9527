package dev.switchboard.engine.provider;

import java.time.Duration;
import java.util.List;

/**
 * What the provider said about one attempt.
 *
 * <p>Opt-outs: an adapter that learns the recipient opted out (Twilio's 21610 "unsubscribed
 * recipient", a Messenger user who blocked the page, ...) answers {@code new
 * PermanentFailure(RECIPIENT_OPTED_OUT, "<the provider's words, with its code>")}. The engine then
 * fails the message with that code and records the opt-out (source {@code provider}), so later
 * sends to the recipient on that account and channel fail at once without reaching a provider.
 */
public sealed interface SendOutcome {

  /** The code of a {@link PermanentFailure} whose recipient opted out (API.md's error code). */
  String RECIPIENT_OPTED_OUT = "recipient_opted_out";

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

  /**
   * Never worth retrying (invalid recipient, opted out, content refused).
   *
   * @param provider the provider instance that answered; adapters leave it null and {@link
   *     ChannelRoute} fills it in
   */
  record PermanentFailure(String code, String reason, String provider) implements SendOutcome {
    public PermanentFailure(String code, String reason) {
      this(code, reason, null);
    }

    /** The same failure, answered by {@code instance}. */
    public PermanentFailure from(String instance) {
      return new PermanentFailure(code, reason, instance);
    }

    /** True when the provider said the recipient opted out ({@link #RECIPIENT_OPTED_OUT}). */
    public boolean optedOut() {
      return RECIPIENT_OPTED_OUT.equals(code);
    }
  }

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
