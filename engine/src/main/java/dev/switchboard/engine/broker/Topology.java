package dev.switchboard.engine.broker;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * The broker objects of one channel, as data, declared idempotently in order on every connect: the
 * dead letter exchange and queue, then for each {@link Flow} its exchange and the channel's quorum
 * queue (dead-lettering after a delivery limit).
 */
public record Topology(String channel, int deliveryLimit) {
  public static final String OUTBOUND_EXCHANGE = "switchboard.outbound";
  public static final String DEAD_EXCHANGE = "switchboard.dead";
  public static final String DEAD_QUEUE = "switchboard.dead";

  /** What travels through a channel's queues. */
  public enum Flow {
    /** Messages to send: the jobs of message entities. */
    OUTBOUND,
    /** Delivery receipts from the channel's providers, on their way to their messages. */
    RECEIPTS,
    /** Messages from users, on their way to the account's webhook. */
    INBOUND;

    public String exchange() {
      return "switchboard." + name().toLowerCase(Locale.ROOT);
    }
  }

  /** The outbound queue. */
  public String queue() {
    return queue(Flow.OUTBOUND);
  }

  public String queue(Flow flow) {
    return flow.exchange() + "." + channel;
  }

  public String routingKey() {
    return channel;
  }

  /** Declares everything; a definition that clashes with an existing one fails loudly here. */
  public void declare(Channel ch) throws IOException {
    ch.exchangeDeclare(DEAD_EXCHANGE, BuiltinExchangeType.FANOUT, true);
    ch.queueDeclare(DEAD_QUEUE, true, false, false, Map.of("x-queue-type", "quorum"));
    ch.queueBind(DEAD_QUEUE, DEAD_EXCHANGE, "");
    for (Flow flow : Flow.values()) {
      ch.exchangeDeclare(flow.exchange(), BuiltinExchangeType.DIRECT, true);
      ch.queueDeclare(
          queue(flow),
          true,
          false,
          false,
          Map.of(
              "x-queue-type", "quorum",
              "x-delivery-limit", deliveryLimit,
              "x-dead-letter-exchange", DEAD_EXCHANGE));
      ch.queueBind(queue(flow), flow.exchange(), routingKey());
    }
  }
}
