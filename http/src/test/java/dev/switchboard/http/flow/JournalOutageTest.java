package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.switchboard.engine.broker.MessageCodec;
import dev.switchboard.engine.broker.Topology;
import dev.switchboard.engine.message.MessageIds;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.engine.testing.TcpProxy;
import dev.switchboard.http.auth.ApiKeys;
import dev.switchboard.http.testing.ProxiedPostgres;
import dev.switchboard.http.testing.TestNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A journal outage, made by blackholing the journal's PostgreSQL behind a TCP proxy (existing
 * connections reset, new ones hang): the journal component goes down within its probe's bound, the
 * API answers {@code 503 unavailable} with a {@code Retry-After} at once instead of waiting for
 * each request's timeout, the consumers stop taking jobs (a job stays in the broker, its delivery
 * count unspent), and when the database answers again the node takes work by itself.
 */
class JournalOutageTest {
  private String amqpUri;
  private ProxiedPostgres postgres;
  private TcpProxy proxy;

  @BeforeEach
  void setUp() throws Exception {
    amqpUri = SharedBroker.freshVhostUri("journal-outage");
    postgres = ProxiedPostgres.create("outage");
    proxy = postgres.proxy();
  }

  @AfterEach
  void tearDown() throws Exception {
    postgres.close();
    SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
  }

  @Test
  void aBlackholedJournalRefusesAtOnceAndPausesConsumersUntilItReturns() throws Exception {
    Map<String, Object> settings = new HashMap<>(postgres.journal("1s", "5s"));
    settings.put("switchboard.db.probe-interval", "300ms");
    try (TestNode node = TestNode.start(amqpUri, settings)) {
      String before = node.sendSandbox("+447700900123", "before").json().path("id").asText();
      await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(node.statusOf(before)));

      proxy.blackhole();
      proxy.resetAll();
      await("journal component down")
          .atMost(Duration.ofSeconds(10))
          .until(() -> "DOWN".equals(journal(node)));

      long started = System.nanoTime();
      TestNode.Response refused = node.sendSandbox("+447700900123", "during");
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertThat(refused.status()).as(refused.body()).isEqualTo(503);
      assertThat(refused.json().path("error").path("code").asText()).isEqualTo("unavailable");
      assertThat(refused.header("Retry-After")).isNotBlank();
      assertThat(millis).as("refused without waiting for the journal").isLessThan(1_000);

      String queue = new Topology("sandbox", 20).queue();
      await("the consumers stop taking jobs (the gate is checked every 250 ms)")
          .atMost(Duration.ofSeconds(5))
          .until(() -> inspect(queue).getConsumerCount() == 0);
      String queued = publishJob();
      await("the job stays in the broker and nothing consumes it while the journal is down")
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(6))
          .until(
              () -> {
                AMQP.Queue.DeclareOk q = inspect(queue);
                return q.getMessageCount() == 1 && q.getConsumerCount() == 0;
              });

      proxy.pass();
      await("journal component up")
          .atMost(Duration.ofSeconds(30))
          .until(() -> "UP".equals(journal(node)));
      await("the waiting job delivered")
          .atMost(Duration.ofSeconds(30))
          .until(() -> "delivered".equals(node.statusOf(queued)));
      TestNode.Response after = node.sendSandbox("+447700900123", "after");
      assertThat(after.status()).as(after.body()).isEqualTo(202);
    }
  }

  // Ready messages and consumers of a queue, as the broker counts them now.
  private AMQP.Queue.DeclareOk inspect(String queue) throws Exception {
    try (Connection connection = connect("journal-outage-inspect");
        Channel channel = connection.createChannel()) {
      return channel.queueDeclarePassive(queue);
    }
  }

  private Connection connect(String name) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(amqpUri);
    factory.setAutomaticRecoveryEnabled(false);
    return factory.newConnection(name);
  }

  private static String journal(TestNode node) {
    return node.management("/health/ready")
        .json()
        .path("components")
        .path("journal")
        .path("status")
        .asText();
  }

  // A job as the API would have published it, straight into the channel's queue.
  private String publishJob() throws Exception {
    String id = MessageIds.random();
    OutboundMessage message =
        new OutboundMessage(
            id,
            ApiKeys.DEFAULT_ACCOUNT,
            "sandbox",
            "+447700900124",
            null,
            "waiting",
            null,
            0,
            Map.of(),
            Instant.now());
    try (Connection connection = connect("journal-outage-test");
        Channel channel = connection.createChannel()) {
      channel.confirmSelect();
      channel.basicPublish(
          Topology.Flow.OUTBOUND.exchange(),
          "sandbox",
          new AMQP.BasicProperties.Builder()
              .deliveryMode(2)
              .contentType(MessageCodec.CONTENT_TYPE)
              .build(),
          MessageCodec.encode(message));
      channel.waitForConfirmsOrDie(5_000);
    }
    return id;
  }
}
