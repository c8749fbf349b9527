package dev.switchboard.engine.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.message.MessageIds;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.testing.SharedBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The consumer against a real broker: with work already waiting in the queue when it connects, it
 * holds exactly a prefetch of messages and hands every one of them to its handler (none may be
 * received before the consumer can settle it, and so be stranded unacked).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChannelConsumerTest {
  private static final int PREFETCH = 50;

  private String amqpUri;
  private ActorTestKit testKit;
  private BrokerSettings settings;
  private final Topology topology = new Topology("sandbox", 20);

  @BeforeAll
  void start() throws Exception {
    amqpUri = SharedBroker.freshVhostUri("consumer");
    settings =
        BrokerSettings.create(
            ConfigFactory.parseMap(
                    Map.of(
                        "switchboard.broker.uri", amqpUri, "switchboard.broker.prefetch", PREFETCH))
                .withFallback(ConfigFactory.defaultReference()));
    testKit = ActorTestKit.create(ConfigFactory.defaultReference());
    try (Connection connection = connect();
        Channel channel = connection.createChannel()) {
      topology.declare(channel);
      channel.confirmSelect();
      for (int i = 0; i < 4 * PREFETCH; i++) {
        OutboundMessage message =
            new OutboundMessage(
                MessageIds.random(),
                "default",
                "sandbox",
                "+44770090" + (1000 + i),
                null,
                "waiting",
                null,
                0,
                Map.of(),
                Instant.now());
        channel.basicPublish(
            Topology.OUTBOUND_EXCHANGE,
            topology.routingKey(),
            new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
            MessageCodec.encode(message));
      }
      channel.waitForConfirmsOrDie(10_000);
    }
  }

  @AfterAll
  void stop() {
    try {
      if (testKit != null) {
        testKit.shutdownTestKit();
      }
    } finally {
      SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
    }
  }

  @Test
  void aConsumerStartingOnAFullQueueHandsEveryPrefetchedMessageToItsHandler() {
    for (int round = 1; round <= 5; round++) {
      Set<String> handed = ConcurrentHashMap.newKeySet();
      // A handler that never finishes: the consumer must hold exactly its prefetch, all handed
      // over.
      JobHandler stuck =
          (message, redelivered) -> {
            handed.add(message.id());
            return new CompletableFuture<>();
          };
      ActorRef<ChannelConsumer.Command> consumer =
          testKit.spawn(
              ChannelConsumer.create(
                  new ChannelConsumer.Setup(
                      topology,
                      settings.sites().get(0),
                      settings,
                      new BrokerConnector(settings),
                      new ConnectionHealth(Clock.systemUTC()),
                      new ConsumerMetrics(new SimpleMeterRegistry(), "sandbox", "primary")),
                  stuck),
              BlockingDispatcher.props(settings));

      await()
          .atMost(Duration.ofSeconds(15))
          .during(Duration.ofMillis(300))
          .until(() -> handed.size() == PREFETCH);
      assertThat(handed).as("round " + round).hasSize(PREFETCH);

      testKit.stop(consumer, Duration.ofSeconds(10));
    }
  }

  private Connection connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(amqpUri);
    factory.setAutomaticRecoveryEnabled(false);
    return factory.newConnection("test-publisher");
  }
}
