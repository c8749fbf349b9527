package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.switchboard.engine.broker.Topology;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.http.testing.TestNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Publishes are mandatory: a job no queue takes (its binding removed behind the engine's back) is
 * never counted as published, though the broker confirms it. The message stays in the outbox until
 * a queue takes it again, and is then delivered.
 */
class MandatoryPublishTest {
  private String amqpUri;

  @BeforeEach
  void vhost() {
    amqpUri = SharedBroker.freshVhostUri("mandatory");
  }

  @AfterEach
  void deleteVhost() {
    SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
  }

  @Test
  void anUnroutableJobIsNotTakenForPublished() throws Exception {
    Topology topology = new Topology("sandbox", 20);
    try (TestNode node =
            TestNode.start(amqpUri, Map.of("switchboard.engine.outbox.retry-interval", "200ms"));
        Connection admin = connect();
        Channel channel = admin.createChannel()) {
      channel.queueUnbind(
          topology.queue(), Topology.Flow.OUTBOUND.exchange(), topology.routingKey());

      TestNode.Response sent = node.sendSandbox("+447700900123", "nowhere to go");
      assertThat(sent.status()).as(sent.body()).isEqualTo(202);
      String id = sent.json().path("id").asText();
      await("the outbox holds the message the broker could not route")
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                JsonNode outbox = outbox(node);
                return "relay".equals(outbox.path("mode").asText())
                    && outbox.path("lastError").asText().contains("no queue took");
              });
      assertThat(node.statusOf(id)).isEqualTo("accepted");

      channel.queueBind(topology.queue(), Topology.Flow.OUTBOUND.exchange(), topology.routingKey());
      await("delivered once a queue takes it")
          .atMost(Duration.ofSeconds(30))
          .until(() -> "delivered".equals(node.statusOf(id)));
    }
  }

  private static JsonNode outbox(TestNode node) {
    return node.management("/health/ready").json().path("components").path("outbox.sandbox");
  }

  private Connection connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(amqpUri);
    factory.setAutomaticRecoveryEnabled(false);
    return factory.newConnection("mandatory-test");
  }
}
