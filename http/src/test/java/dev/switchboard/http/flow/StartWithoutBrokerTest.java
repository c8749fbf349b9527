package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.channels.sandbox.SandboxLedger;
import dev.switchboard.engine.testing.RabbitNode;
import dev.switchboard.http.testing.Sent;
import dev.switchboard.http.testing.TestNode;
import dev.switchboard.http.testing.TrafficChecker;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A node started while its broker is down is live and ready ({@code 200}, {@code DEGRADED}, the
 * {@code broker.sandbox} component DOWN with why), and accepts sends with {@code 202} at once (the
 * API does not try a broker known down, so no send waits for the 5 s publish timeout) into its
 * outbox, whose depth and mode show in health and metrics. When the broker appears the node
 * connects by itself, the relay publishes what it accepted meanwhile and hands back to the API
 * while sends go on, and every message is delivered, to each recipient in acceptance order (the
 * whole checker: nothing refused, lost or sent twice, nothing in flight, no restart); a second
 * outage leaves it ready; shutting it down during an outage is bounded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StartWithoutBrokerTest {
  // Answered without waiting for any broker timeout (publish-timeout is 5 s).
  private static final long AT_ONCE_MILLIS = 3_000;
  private static final int WHILE_DOWN = 10;

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
  void nodeAcceptsWithoutTheBrokerAndDeliversOnceItAppears() throws Exception {
    try (TestNode node =
        TestNode.startNotReady(
            broker.amqpUri(),
            Map.of(
                "switchboard.broker.restart-backoff.min", "200ms",
                "switchboard.broker.restart-backoff.max", "1s",
                "switchboard.engine.outbox.retry-interval", "200ms"))) {
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
    await("ready without the broker")
        .atMost(Duration.ofSeconds(30))
        .until(() -> status(node, "/health/ready") == 200);
    TestNode.Response ready = get(node, "/health/ready");
    assertThat(ready.json().path("status").asText()).as(ready.body()).isEqualTo("DEGRADED");
    JsonNode brokerHealth = ready.json().path("components").path("broker.sandbox");
    assertThat(brokerHealth.path("status").asText()).isEqualTo("DOWN");
    assertThat(ready.json().path("components").path("journal").path("status").asText())
        .isEqualTo("UP");
    await("why the broker is down")
        .atMost(Duration.ofSeconds(15))
        .until(() -> !node.component("broker.sandbox").path("lastError").isNull());

    List<Sent> whileDown = traffic.sendAll(WHILE_DOWN, "before-the-broker");
    for (Sent s : whileDown) {
      assertThat(s.millis())
          .as("accepted without waiting for a broker: %s", s)
          .isLessThan(AT_ONCE_MILLIS);
      assertThat(node.statusOf(s.id())).as("readable while waiting: %s", s).isEqualTo("accepted");
    }
    await("the outbox holds them")
        .atMost(Duration.ofSeconds(10))
        .until(() -> node.component("outbox.sandbox").path("depth").asLong() >= WHILE_DOWN);
    JsonNode outbox = node.component("outbox.sandbox");
    assertThat(outbox.path("mode").asText()).as(outbox.toString()).isEqualTo("relay");
    assertThat(outbox.path("status").asText()).as(outbox.toString()).isEqualTo("DOWN");
    assertThat(node.metric("switchboard_outbox_relaying", "channel=\"sandbox\"")).isEqualTo(1.0);
    assertThat(node.metric("switchboard_outbox_depth", "channel=\"sandbox\""))
        .isGreaterThanOrEqualTo(WHILE_DOWN);
    assertThat(status(node, "/health/ready")).as("still ready").isEqualTo(200);

    broker.startApp();

    // Sends go on while the node connects and the relay catches up and hands the channel back to
    // the API: order per recipient must hold across that hand-back too.
    List<Sent> across = new ArrayList<>();
    await("the API publishes by itself again, with sends going on")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              Sent s = traffic.send(TrafficChecker.recipient(across.size()), "across-recovery");
              assertThat(s.status()).as(s.toString()).isEqualTo(202);
              across.add(s);
              return "direct".equals(node.component("outbox.sandbox").path("mode").asText());
            });
    for (int i = 0; i < 10; i++) {
      Sent s = traffic.send(TrafficChecker.recipient(i), "after-hand-back");
      assertThat(s.status()).as(s.toString()).isEqualTo(202);
    }
    node.awaitReady(Duration.ofSeconds(60));
    traffic
        .awaitSettled(whileDown, "accepted before the broker appeared", Duration.ofSeconds(60))
        .assertNoneLost()
        .assertNoneUnexpected();
    assertThat(node.metric("switchboard_outbox_published_total", "channel=\"sandbox\""))
        .isGreaterThanOrEqualTo(WHILE_DOWN);
    Sent now = traffic.send(Sent.NORMAL, "now");
    assertThat(now.status()).as(now.body()).isEqualTo(202);
    String id = now.id();
    await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(node.statusOf(id)));
    traffic.sendAll(20, "once-connected");
    traffic
        .awaitSettled(traffic.sent(), "started without a broker", Duration.ofSeconds(30))
        .assertNoneRefused()
        .assertInvariants();
    assertOrderPerRecipient(traffic.sent());

    broker.stopApp();
    await("broker component down again")
        .atMost(Duration.ofSeconds(30))
        .until(() -> "DOWN".equals(node.component("broker.sandbox").path("status").asText()));
    assertThat(status(node, "/health/ready")).as("ready through a second outage").isEqualTo(200);
    assertThat(traffic.restarts()).as("signs of a restart during the second outage").isEmpty();
  }

  /** Each recipient was sent our messages in the order the API accepted them. */
  private static void assertOrderPerRecipient(List<Sent> sent) {
    Map<String, List<String>> accepted = new LinkedHashMap<>();
    for (Sent s : sent) {
      accepted.computeIfAbsent(s.to(), to -> new ArrayList<>()).add(s.id());
    }
    for (Map.Entry<String, List<String>> r : accepted.entrySet()) {
      List<String> reached = new ArrayList<>(SandboxLedger.sentTo(r.getKey()));
      reached.retainAll(r.getValue());
      assertThat(reached).as("order of %s", r.getKey()).containsExactlyElementsOf(r.getValue());
    }
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
