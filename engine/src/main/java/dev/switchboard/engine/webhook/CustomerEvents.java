package dev.switchboard.engine.webhook;

import dev.switchboard.engine.delivery.MessageView;
import dev.switchboard.engine.provider.InboundMessage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where the engine hands events for customers: a message's status change (for its {@code
 * callbackUrl}) and an inbound message (for its account's inbound URL). A stage completes once the
 * event is durably queued for delivery (its own retries and dead-lettering follow), so the broker
 * job that caused it may then be acked. Queuing the same event twice is harmless: an event's id is
 * derived from what it reports.
 */
public interface CustomerEvents {

  /** A message's status changed; nothing to do when it has no callback URL. */
  CompletionStage<Void> statusChanged(MessageView message);

  /** A user sent a message to the account. */
  CompletionStage<Void> inbound(InboundMessage message);

  /** Drops every event: for engines without customer webhooks (tests of other parts). */
  CustomerEvents NONE =
      new CustomerEvents() {
        @Override
        public CompletionStage<Void> statusChanged(MessageView message) {
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> inbound(InboundMessage message) {
          return CompletableFuture.completedFuture(null);
        }
      };
}
