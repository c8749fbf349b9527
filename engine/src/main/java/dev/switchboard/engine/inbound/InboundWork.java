package dev.switchboard.engine.inbound;

import dev.switchboard.engine.broker.MessageCodec;
import dev.switchboard.engine.broker.QueueWork;
import dev.switchboard.engine.broker.Topology;
import dev.switchboard.engine.optout.OptOuts;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.webhook.CustomerEvents;
import java.util.concurrent.CompletionStage;

/**
 * The work of a channel's inbound queue: each message from a user becomes a {@code message.inbound}
 * event for its account's webhook; the broker message is acked once the event is durably queued. An
 * opt-out or opt-in keyword ({@code STOP}, {@code START}, ...) is recorded first, and the message
 * still reaches the customer. Messages from one sender stay in order.
 */
public final class InboundWork implements QueueWork<InboundMessage> {
  private final CustomerEvents events;
  private final OptOuts optOuts;

  public InboundWork(CustomerEvents events, OptOuts optOuts) {
    this.events = events;
    this.optOuts = optOuts;
  }

  @Override
  public Topology.Flow flow() {
    return Topology.Flow.INBOUND;
  }

  @Override
  public InboundMessage decode(byte[] body) {
    return MessageCodec.INBOUND.decode(body);
  }

  @Override
  public String lane(InboundMessage message) {
    return message.from();
  }

  @Override
  public String describe(InboundMessage message) {
    return message.id();
  }

  @Override
  public CompletionStage<?> handle(InboundMessage message, boolean redelivered) {
    // Both durable before the ack: a crash in between redelivers the message, and neither is lost.
    return optOuts.heard(message).thenCompose(recorded -> events.inbound(message));
  }
}
