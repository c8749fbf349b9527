package dev.switchboard.engine.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * The consumer against a real broker: with work already waiting in the queue when it connects, it
 * holds exactly a prefetch of messages and hands every one of them to its handler (none may be
 * received before the consumer can settle it, and so be stranded unacked). A gate that closes is
 * warned about while the node runs, but not when it closes because the node stops.
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
              ChannelConsumer.create(setup(topology), stuck), BlockingDispatcher.props(settings));

      await()
          .atMost(Duration.ofSeconds(15))
          .during(Duration.ofMillis(300))
          .until(() -> handed.size() == PREFETCH);
      assertThat(handed).as("round " + round).hasSize(PREFETCH);

      testKit.stop(consumer, Duration.ofSeconds(10));
    }
  }

  @Test
  void aGateClosingWhileTheNodeRunsIsWarnedAbout() throws Exception {
    Topology gated = new Topology("gate" + UUID.randomUUID().toString().substring(0, 8), 20);
    AtomicBoolean open = new AtomicBoolean(true);
    ListAppender<ILoggingEvent> log = capture();
    try {
      ActorRef<ChannelConsumer.Command> consumer =
          testKit.spawn(gatedConsumer(gated, open), BlockingDispatcher.props(settings));
      awaitConsumers(gated, 1);

      open.set(false);

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> paused(log, gated).anyMatch(e -> e.getLevel() == Level.WARN));
      testKit.stop(consumer, Duration.ofSeconds(10));
    } finally {
      release(log);
    }
  }

  @Test
  void aGateClosingBecauseTheNodeStopsIsNoWarning() throws Exception {
    Topology gated = new Topology("gate" + UUID.randomUUID().toString().substring(0, 8), 20);
    AtomicBoolean open = new AtomicBoolean(true);
    // Its own system: coordinated shutdown ends it.
    ActorTestKit stopping = ActorTestKit.create(ConfigFactory.defaultReference());
    ListAppender<ILoggingEvent> log = capture();
    try {
      stopping.spawn(gatedConsumer(gated, open), BlockingDispatcher.props(settings));
      awaitConsumers(gated, 1);
      // As the providers do: their sessions close in service-stop, and with them the gate.
      CompletableFuture<Done> pausedSeen = new CompletableFuture<>();
      CoordinatedShutdown.get(stopping.system())
          .addTask(
              CoordinatedShutdown.PhaseServiceStop(),
              "close-gate",
              () -> {
                open.set(false);
                return pausedSeen;
              });

      CompletionStage<Done> shutdown =
          CoordinatedShutdown.get(stopping.system()).runAll(CoordinatedShutdown.unknownReason());
      // The consumer drains before the providers close: it stops consuming on its own, at INFO.
      await()
          .atMost(Duration.ofSeconds(4))
          .until(() -> logged(log, gated, "consumer draining").findAny().isPresent());
      pausedSeen.complete(Done.getInstance());
      shutdown.toCompletableFuture().get(30, TimeUnit.SECONDS);

      assertThat(logged(log, gated, "consumer draining").map(ILoggingEvent::getLevel))
          .containsOnly(Level.INFO);
      assertThat(paused(log, gated).map(ILoggingEvent::getLevel)).doesNotContain(Level.WARN);
    } finally {
      release(log);
      stopping.shutdownTestKit();
    }
  }

  private Behavior<ChannelConsumer.Command> gatedConsumer(Topology gated, AtomicBoolean open) {
    return ChannelConsumer.create(
        setup(gated),
        List.of(
            QueueWork.outbound((message, redelivered) -> new CompletableFuture<>(), open::get)));
  }

  // A consumer of the first site, with its own health and metrics.
  private ChannelConsumer.Setup setup(Topology of) {
    return new ChannelConsumer.Setup(
        of,
        settings.sites().get(0),
        settings,
        new BrokerConnector(settings),
        new ConnectionHealth(Clock.systemUTC()),
        new ConsumerMetrics(new SimpleMeterRegistry(), of.channel(), "primary"));
  }

  private void awaitConsumers(Topology gated, int count) {
    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .until(
            () -> {
              try (Connection connection = connect();
                  Channel channel = connection.createChannel()) {
                return channel.consumerCount(gated.queue()) == count;
              }
            });
  }

  private static Stream<ILoggingEvent> paused(ListAppender<ILoggingEvent> log, Topology gated) {
    return logged(log, gated, "consuming paused");
  }

  private static Stream<ILoggingEvent> logged(
      ListAppender<ILoggingEvent> log, Topology gated, String start) {
    synchronized (log) {
      return List.copyOf(log.list).stream()
          .filter(e -> e.getFormattedMessage().startsWith(start))
          .filter(e -> e.getFormattedMessage().contains("channel=" + gated.channel() + " "));
    }
  }

  private static ListAppender<ILoggingEvent> capture() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    root().addAppender(appender);
    return appender;
  }

  private static void release(ListAppender<ILoggingEvent> appender) {
    root().detachAppender(appender);
    appender.stop();
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private Connection connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(amqpUri);
    factory.setAutomaticRecoveryEnabled(false);
    return factory.newConnection("test-publisher");
  }
}
