package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.testing.RabbitNode;
import dev.switchboard.http.testing.TestNode;
import dev.switchboard.http.testing.TrafficChecker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The journal is the outbox: a node restarted during a broker outage resumes the relay from its
 * recorded place. (Sends through a minute-long outage under traffic, readiness, the outbox in
 * health and metrics, order afterwards: the system module's {@code BrokerOutageTest}, against the
 * jar.)
 */
class OutboxTest {
  private static final Map<String, Object> FAST_RECONNECT =
      Map.of(
          "switchboard.broker.restart-backoff.min", "200ms",
          "switchboard.broker.restart-backoff.max", "1s",
          "switchboard.engine.outbox.retry-interval", "200ms");

  private RabbitNode broker;

  @BeforeEach
  void startBroker() {
    broker = RabbitNode.start(RabbitNode.freePort());
  }

  @AfterEach
  void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aNodeRestartedDuringTheOutageResumesTheRelay() throws Exception {
    Path dataDir = Files.createTempDirectory("switchboard-outbox");
    List<String> ids = new ArrayList<>();
    try (TestNode node = TestNode.startEmbedded(broker.amqpUri(), dataDir, FAST_RECONNECT)) {
      broker.stopApp();
      await("broker component down")
          .atMost(Duration.ofSeconds(30))
          .until(() -> "DOWN".equals(component(node, "broker.sandbox").path("status").asText()));
      for (int i = 0; i < 10; i++) {
        TestNode.Response r = node.sendSandbox(TrafficChecker.recipient(i % 2), "kept-" + i);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        ids.add(r.json().path("id").asText());
      }
      await("the relay recorded its place")
          .atMost(Duration.ofSeconds(10))
          .until(() -> "relay".equals(component(node, "outbox.sandbox").path("mode").asText()));
    }
    broker.startApp();
    try (TestNode restarted = TestNode.startEmbedded(broker.amqpUri(), dataDir, FAST_RECONNECT)) {
      await("every message accepted before the restart delivered")
          .atMost(Duration.ofSeconds(60))
          .until(() -> ids.stream().allMatch(id -> "delivered".equals(restarted.statusOf(id))));
    }
  }

  private static JsonNode component(TestNode node, String name) {
    return management(node, "/health/ready").json().path("components").path(name);
  }

  private static TestNode.Response management(TestNode node, String path) {
    return node.management(path);
  }
}
