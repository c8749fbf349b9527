package dev.switchboard.engine.inbound;

import dev.switchboard.engine.Continuations;
import dev.switchboard.engine.broker.ChannelPublisher;
import dev.switchboard.engine.broker.JsonCodec;
import dev.switchboard.engine.broker.MessageCodec;
import dev.switchboard.engine.broker.PublishResult;
import dev.switchboard.engine.broker.Topology;
import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.provider.ProviderEvents;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Makes what providers report durable: a receipt or an inbound message is published to its
 * channel's queue and its stage completes only with the broker's confirm, so an adapter
 * acknowledges its peer only then (a peer never acknowledged sends it again).
 */
public final class DurableEvents implements ProviderEvents {
  private final Map<String, ActorRef<ChannelPublisher.Command>> publishers;
  private final Duration publishTimeout;
  private final Scheduler scheduler;
  private final Executor executor;

  public DurableEvents(
      Map<String, ActorRef<ChannelPublisher.Command>> publishers,
      Duration publishTimeout,
      Scheduler scheduler,
      Executor executor) {
    this.publishers = publishers;
    this.publishTimeout = publishTimeout;
    this.scheduler = scheduler;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Void> receipt(DeliveryReceipt receipt) {
    return publish(
        receipt.channel(),
        Topology.Flow.RECEIPTS,
        receipt.provider() + ":" + receipt.providerMessageId(),
        MessageCodec.RECEIPT,
        receipt);
  }

  @Override
  public CompletionStage<Void> inbound(InboundMessage message) {
    return publish(
        message.channel(), Topology.Flow.INBOUND, message.id(), MessageCodec.INBOUND, message);
  }

  @Override
  public void sessionLost(String cause) {
    // Sessions report their loss to their runtime, never here.
  }

  private <T> CompletionStage<Void> publish(
      String channel, Topology.Flow flow, String id, JsonCodec<T> codec, T value) {
    ActorRef<ChannelPublisher.Command> publisher = publishers.get(channel);
    if (publisher == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("channel " + channel + " has no publisher on this node"));
    }
    byte[] body = codec.encode(value);
    return Continuations.on(
            AskPattern.<ChannelPublisher.Command, PublishResult>ask(
                publisher,
                replyTo -> new ChannelPublisher.Publish(flow, id, body, replyTo),
                publishTimeout,
                scheduler),
            executor)
        .thenApply(
            result -> {
              if (result instanceof PublishResult.NotConfirmed nc) {
                throw new IllegalStateException("not recorded: " + nc.reason());
              }
              return null;
            });
  }
}
