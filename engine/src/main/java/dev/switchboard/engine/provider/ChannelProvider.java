package dev.switchboard.engine.provider;

import dev.switchboard.engine.message.OutboundMessage;
import java.util.concurrent.CompletionStage;

/**
 * One channel's way to a provider (an SMSC, an HTTP API). The engine calls {@link #send} once per
 * attempt, bounds it with its own timeout and retries transient failures; delivery receipts come
 * back later through the {@link ReceiptSink} of the {@link ProviderContext}.
 */
public interface ChannelProvider extends AutoCloseable {

  /**
   * Hands one attempt to the provider. Must not block the caller: I/O runs on the provider's own
   * threads. Failures complete the stage with a {@link SendOutcome}, or exceptionally when the
   * outcome is unknown (treated as transient).
   *
   * @param attempt 1 for the first attempt
   */
  CompletionStage<SendOutcome> send(OutboundMessage message, int attempt);

  /** Releases connections and threads; called once at shutdown. */
  @Override
  default void close() {}
}
