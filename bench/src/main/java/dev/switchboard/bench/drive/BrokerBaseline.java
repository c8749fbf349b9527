package dev.switchboard.bench.drive;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.switchboard.bench.measure.ProcStats;
import dev.switchboard.engine.broker.MessageCodec;
import dev.switchboard.engine.broker.Topology;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The raw limit of the path the engine is built on, measured with the RabbitMQ client alone:
 * persistent messages published with pipelined confirms to a durable quorum queue declared exactly
 * as the engine declares its own (exchange, delivery limit, dead-lettering), consumed at the same
 * time with manual acks, one per message, and the engine's prefetch. A message counts once it has
 * been consumed and acked.
 */
public final class BrokerBaseline {
  private static final String CHANNEL = "bench-baseline";

  /** Rates over the measured window, after warm-up. */
  public record Result(
      double publishedPerSecond, double consumedPerSecond, long nacked, double machineCores) {}

  private BrokerBaseline() {}

  public static Result run(
      String amqpUri, byte[] body, int window, int prefetch, Duration warmup, Duration measure)
      throws Exception {
    Topology topology = new Topology(CHANNEL, 20);
    AtomicLong consumed = new AtomicLong();
    AtomicBoolean publishing = new AtomicBoolean(true);
    try (Connection publisherConnection = Amqp.connect(amqpUri, "bench-baseline-publisher");
        Connection consumerConnection = Amqp.connect(amqpUri, "bench-baseline-consumer")) {
      Channel consumerChannel = consumerConnection.createChannel();
      topology.declare(consumerChannel);
      consumerChannel.basicQos(prefetch);
      String consumerTag =
          consumerChannel.basicConsume(
              topology.queue(),
              false,
              new DefaultConsumer(consumerChannel) {
                @Override
                public void handleDelivery(
                    String tag, Envelope envelope, AMQP.BasicProperties props, byte[] payload)
                    throws IOException {
                  // Ack per message without waiting on anything: the engine's consumer does the
                  // same.
                  if (getChannel().isOpen()) {
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                    consumed.incrementAndGet();
                  }
                }
              });
      ConfirmedPublisher publisher =
          new ConfirmedPublisher(
              publisherConnection.createChannel(),
              Topology.OUTBOUND_EXCHANGE,
              topology.routingKey(),
              window);
      AMQP.BasicProperties props = ConfirmedPublisher.persistent(MessageCodec.CONTENT_TYPE, null);
      Thread publishLoop =
          new Thread(
              () -> {
                try {
                  while (publishing.get()) {
                    publisher.publish(props, body);
                  }
                } catch (Exception e) {
                  publishing.set(false);
                  System.err.println("baseline publisher stopped: " + e);
                }
              },
              "bench-baseline-publisher");
      publishLoop.start();
      Thread.sleep(warmup.toMillis());
      long busy0 = ProcStats.machineBusyMillis();
      long t0 = System.nanoTime();
      long published0 = publisher.confirmed();
      long consumed0 = consumed.get();
      Thread.sleep(measure.toMillis());
      long t1 = System.nanoTime();
      long busy1 = ProcStats.machineBusyMillis();
      long published1 = publisher.confirmed();
      long consumed1 = consumed.get();
      publishing.set(false);
      publishLoop.join(60_000);
      publisher.awaitConfirms(60);
      // Stop consuming before the queue and the connections go: no ack on a closing channel.
      consumerChannel.basicCancel(consumerTag);
      consumerChannel.queueDelete(topology.queue());
      double seconds = (t1 - t0) / 1e9;
      return new Result(
          (published1 - published0) / seconds,
          (consumed1 - consumed0) / seconds,
          publisher.nacked(),
          (busy1 - busy0) / 1000.0 / seconds);
    }
  }
}
