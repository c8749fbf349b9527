package dev.switchboard.engine.broker;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.Map;

/**
 * The broker objects of one channel, as data, declared idempotently in order on every connect: the
 * outbound exchange, the channel's quorum queue (dead-lettering after a delivery limit) and the
 * dead letter exchange and queue.
 */
public record Topology(String channel, int deliveryLimit) {
  public static final String OUTBOUND_EXCHANGE = "switchboard.outbound";
  public static final String DEAD_EXCHANGE = "switchboard.dead";
  public static final String DEAD_QUEUE = "switchboard.dead";

  public String queue() {
    return OUTBOUND_EXCHANGE + "." + channel;
  }

  public String routingKey() {
    return channel;
  }

  /** Declares everything; a definition that clashes with an existing one fails loudly here. */
  public void declare(Channel ch) throws IOException {
    ch.exchangeDeclare(DEAD_EXCHANGE, BuiltinExchangeType.FANOUT, true);
    ch.queueDeclare(DEAD_QUEUE, true, false, false, Map.of("x-queue-type", "quorum"));
    ch.queueBind(DEAD_QUEUE, DEAD_EXCHANGE, "");
    ch.exchangeDeclare(OUTBOUND_EXCHANGE, BuiltinExchangeType.DIRECT, true);
    ch.queueDeclare(
        queue(),
        true,
        false,
        false,
        Map.of(
            "x-queue-type", "quorum",
            "x-delivery-limit", deliveryLimit,
            "x-dead-letter-exchange", DEAD_EXCHANGE));
    ch.queueBind(queue(), OUTBOUND_EXCHANGE, routingKey());
  }
}
