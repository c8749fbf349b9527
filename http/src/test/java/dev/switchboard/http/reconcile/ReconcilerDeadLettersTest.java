package dev.switchboard.http.reconcile;

import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.switchboard.engine.broker.Topology;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.http.testing.TestNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code switchboard.dead} is sampled: what lands there shows as {@code switchboard_dead_letters},
 * the metric the operations guide alerts on.
 */
class ReconcilerDeadLettersTest {

  @Test
  void deadLetterQueueDepthIsAMetric() throws Exception {
    String amqpUri = SharedBroker.freshVhostUri("dead-letters");
    try (TestNode node =
        TestNode.start(amqpUri, Map.of("switchboard.broker.queue-sample-interval", "200ms"))) {
      ConnectionFactory factory = new ConnectionFactory();
      factory.setUri(amqpUri);
      try (Connection connection = factory.newConnection();
          Channel channel = connection.createChannel()) {
        channel.confirmSelect();
        for (int i = 0; i < 3; i++) {
          channel.basicPublish(
              Topology.DEAD_EXCHANGE,
              "",
              new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
              "poison".getBytes(StandardCharsets.UTF_8));
        }
        channel.waitForConfirmsOrDie(10_000);
      }

      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> node.metric("switchboard_dead_letters", "site=\"") == 3);
    } finally {
      SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
    }
  }
}
