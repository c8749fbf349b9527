package dev.switchboard.engine.provider;

import dev.switchboard.engine.message.OutboundMessage;
import java.util.concurrent.CompletionStage;

/** An open session with a provider's peer (an SMPP bind, an authenticated HTTP client). */
public interface ProviderSession extends AutoCloseable {

  /**
   * Hands one attempt to the peer. Must not block the caller: I/O runs on the session's own
   * threads. The stage completes with the peer's answer, or exceptionally when the outcome is
   * unknown (a dropped connection, no response): the runtime treats that as transient and its own
   * deadline bounds it.
   *
   * @param attempt 1 for the first attempt
   */
  CompletionStage<SendOutcome> send(OutboundMessage message, int attempt);

  /** Ends the session politely (unbind, logout), bounded; called once. */
  @Override
  void close();
}
