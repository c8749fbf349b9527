package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.testing.RabbitNode;
import dev.switchboard.http.testing.Sent;
import dev.switchboard.http.testing.TestNode;
import dev.switchboard.http.testing.TrafficChecker;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A node started while its broker is down is live, not ready, refuses sends with 503 at once, and
 * becomes ready by itself when the broker appears and delivers what it then accepts (the whole
 * checker: nothing lost or sent twice, nothing in flight, no restart); shutting it down during an
 * outage is bounded.
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
      TrafficChecker traffic =
          new TrafficChecker(node, "StartWithoutBrokerTest", broker::queueCounts);
      try {
        waitForTheBroker(node, traffic);
      } finally {
        traffic.close();
      }
      long closing = System.nanoTime();
      node.close();
      assertThat(Duration.ofNanos(System.nanoTime() - closing))
          .as("shutdown during an outage is bounded")
          .isLessThan(Duration.ofSeconds(30));
    }
  }

  private void waitForTheBroker(TestNode node, TrafficChecker traffic) {
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

    Sent refused = traffic.send(Sent.NORMAL, "too-early");

    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.response().json().path("error").path("code").asText())
        .isEqualTo("broker_unavailable");
    assertThat(refused.response().header("Retry-After")).isNotBlank();
    assertThat(refused.millis()).as("a refused send does not wait for a timeout").isLessThan(3_000);

    broker.startApp();

    await().atMost(Duration.ofSeconds(60)).until(() -> status(node, "/health/ready") == 200);
    Sent now = traffic.send(Sent.NORMAL, "now");
    assertThat(now.status()).as(now.body()).isEqualTo(202);
    String id = now.id();
    await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(node.statusOf(id)));
    traffic.sendAll(20, "once-ready");
    traffic
        .awaitSettled(traffic.sent(), "started without a broker", Duration.ofSeconds(30))
        .assertInvariants();

    broker.stopApp();
    await().atMost(Duration.ofSeconds(30)).until(() -> status(node, "/health/ready") == 503);
    assertThat(traffic.restarts()).as("signs of a restart during the second outage").isEmpty();
  }

  private static int status(TestNode node, String path) {
    return get(node, path).status();
  }

  private static TestNode.Response get(TestNode node, String path) {
    return node.send(
        HttpRequest.newBuilder(node.managementUri(path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build());
  }
}
