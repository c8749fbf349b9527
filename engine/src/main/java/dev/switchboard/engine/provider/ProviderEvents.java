package dev.switchboard.engine.provider;

import java.util.concurrent.CompletionStage;

/**
 * What a provider session reports to the engine; thread-safe, never blocks. Receipts and inbound
 * messages are made durable (published to the broker with a confirm) before their stage completes:
 * only then may the adapter acknowledge them to the peer, so a peer whose acknowledgement never
 * came sends them again.
 */
public interface ProviderEvents {

  /** A delivery receipt; completes once it is durably recorded, fails when it could not be. */
  CompletionStage<Void> receipt(DeliveryReceipt receipt);

  /** A message from a user; completes once it is durably recorded, fails when it could not be. */
  CompletionStage<Void> inbound(InboundMessage message);

  /** The session is gone (closed by the peer, a dead link): the runtime opens a new one. */
  void sessionLost(String cause);
}
