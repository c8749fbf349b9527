package dev.switchboard.engine.provider;

import dev.switchboard.engine.message.OutboundMessage;
import java.util.concurrent.CompletionStage;

/**
 * What a message entity sends through: its channel's way to a provider. The engine's implementation
 * is {@link ChannelRoute}, over the channel's provider instances in order.
 */
public interface ChannelProvider {

  /**
   * Hands one attempt to a provider of the channel. Never blocks; the stage completes with the
   * outcome ({@link SendOutcome.NotAttempted} when no provider could take it), or exceptionally
   * when the outcome is unknown (treated as transient).
   *
   * @param attempt 1 for the first attempt
   */
  CompletionStage<SendOutcome> send(OutboundMessage message, int attempt);
}
