package dev.switchboard.bench.drive;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.switchboard.engine.broker.MessageCodec;
import dev.switchboard.engine.broker.Topology;
import dev.switchboard.engine.message.MessageIds;
import dev.switchboard.engine.message.OutboundMessage;
import java.time.Instant;
import java.util.Map;

/**
 * A backlog in the engine's own queue while its consumers are paused: jobs in the engine's JSON
 * format, published with confirms to {@code switchboard.outbound.<channel>} after declaring the
 * topology exactly as the engine does (by calling it). No consumer has touched them, and none was
 * accepted through the API: the message entity takes on a job whose acceptance is not in its
 * journal, one journal write more than a message accepted through the API.
 */
public final class Backlog {
  /** The engine's default {@code switchboard.broker.delivery-limit}: the declaration must match. */
  public static final int DELIVERY_LIMIT = 20;

  /** How long it took to fill. */
  public record Filled(long messages, double seconds) {}

  private Backlog() {}

  /** The engine's queue the backlog goes to. */
  public static String queue(String channel) {
    return new Topology(channel, DELIVERY_LIMIT).queue();
  }

  public static Filled fill(
      String amqpUri, String channelName, long messages, String text, int window) throws Exception {
    Topology topology = new Topology(channelName, DELIVERY_LIMIT);
    long start = System.nanoTime();
    try (Connection connection = Amqp.connect(amqpUri, "bench-backlog")) {
      Channel channel = connection.createChannel();
      topology.declare(channel);
      ConfirmedPublisher publisher =
          new ConfirmedPublisher(
              channel, Topology.OUTBOUND_EXCHANGE, topology.routingKey(), window);
      for (long i = 0; i < messages; i++) {
        OutboundMessage message = job(channelName, i, text);
        publisher.publish(
            ConfirmedPublisher.persistent(MessageCodec.CONTENT_TYPE, message.id()),
            MessageCodec.encode(message));
      }
      publisher.awaitConfirms(120);
      if (publisher.nacked() > 0) {
        throw new IllegalStateException(publisher.nacked() + " backlog messages nacked");
      }
    }
    return new Filled(messages, (System.nanoTime() - start) / 1e9);
  }

  /** The job the engine would have published for message {@code i} of the account "default". */
  public static OutboundMessage job(String channel, long i, String text) {
    return new OutboundMessage(
        MessageIds.random(),
        "default",
        channel,
        Recipients.of(channel, i),
        null,
        text,
        null,
        0,
        Map.of(),
        Instant.now());
  }
}
