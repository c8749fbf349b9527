package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.testing.RabbitNode;
import dev.switchboard.http.testing.TestNode;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A node started while its broker is down is live, not ready, refuses sends with 503 at once, and
 * becomes ready by itself when the broker appears; shutting it down during an outage is bounded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StartWithoutBrokerTest {
  private RabbitNode broker;

  @BeforeAll
  void startBrokerAndTakeItDown() {
    broker = RabbitNode.start(RabbitNode.freePort());
    broker.stopApp();
  }

  @AfterAll
  void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void nodeWaitsForTheBrokerWithoutARestart() throws Exception {
    try (TestNode node =
        TestNode.startNotReady(
            broker.amqpUri(),
            Map.of(
                "switchboard.broker.restart-backoff.min", "200ms",
                "switchboard.broker.restart-backoff.max", "1s"))) {
      assertThat(status(node, "/health/live")).isEqualTo(200);
      TestNode.Response notReady = get(node, "/health/ready");
      assertThat(notReady.status()).isEqualTo(503);
      JsonNode brokerHealth = notReady.json().path("components").path("broker.sandbox");
      assertThat(brokerHealth.path("status").asText()).isEqualTo("DOWN");
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () ->
                  !get(node, "/health/ready")
                      .json()
                      .path("components")
                      .path("broker.sandbox")
                      .path("lastError")
                      .isNull());

      long before = System.nanoTime();
      TestNode.Response refused = node.sendSandbox("+447700900123", "too early");
      long tookMillis = (System.nanoTime() - before) / 1_000_000;

      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.json().path("error").path("code").asText())
          .isEqualTo("broker_unavailable");
      assertThat(refused.header("Retry-After")).isNotBlank();
      assertThat(tookMillis).as("a refused send does not wait for a timeout").isLessThan(3_000);

      broker.startApp();

      await().atMost(Duration.ofSeconds(60)).until(() -> status(node, "/health/ready") == 200);
      String id = node.sendSandbox("+447700900123", "now").json().path("id").asText();
      await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(node.statusOf(id)));

      broker.stopApp();
      await().atMost(Duration.ofSeconds(30)).until(() -> status(node, "/health/ready") == 503);
      long closing = System.nanoTime();
      node.close();
      assertThat(Duration.ofNanos(System.nanoTime() - closing))
          .as("shutdown during an outage is bounded")
          .isLessThan(Duration.ofSeconds(30));
    }
  }

  private static int status(TestNode node, String path) {
    return get(node, path).status();
  }

  private static TestNode.Response get(TestNode node, String path) {
    return node.send(
        HttpRequest.newBuilder(node.uri(path)).timeout(Duration.ofSeconds(10)).GET().build());
  }
}
