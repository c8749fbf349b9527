package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.channels.sandbox.SandboxLedger;
import dev.switchboard.engine.testing.RabbitNode;
import dev.switchboard.http.testing.Sent;
import dev.switchboard.http.testing.TestNode;
import dev.switchboard.http.testing.TrafficChecker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The journal is the outbox: while the broker is down the API keeps answering {@code 202} for
 * journaled messages, readiness stays {@code 200} (degraded), the outbox's depth shows in health;
 * when the broker returns every message is published from the journal and delivered, in acceptance
 * order per recipient, and the API publishes by itself again. A node restarted during the outage
 * resumes the relay from its recorded place.
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
  void sendsAreAcceptedThroughABrokerOutageAndDeliveredInOrderAfter() throws Exception {
    try (TestNode node = TestNode.start(broker.amqpUri(), FAST_RECONNECT);
        TrafficChecker traffic = new TrafficChecker(node, "OutboxTest", broker::queueCounts)) {
      List<Sent> before = traffic.sendAll(10, "before");
      traffic.awaitSettled(before, "before the outage", Duration.ofSeconds(30));

      broker.stopApp();
      await("broker component down")
          .atMost(Duration.ofSeconds(30))
          .until(() -> "DOWN".equals(component(node, "broker.sandbox").path("status").asText()));

      Map<String, List<String>> perRecipient = new LinkedHashMap<>();
      List<Sent> during = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String to = TrafficChecker.recipient(i % 4);
        Sent s = traffic.send(to, "during-" + i);
        assertThat(s.status()).as("a send while the broker is down: %s", s).isEqualTo(202);
        assertThat(s.millis()).as("answered without waiting for the broker").isLessThan(3_000);
        during.add(s);
        perRecipient.computeIfAbsent(to, k -> new ArrayList<>()).add(s.id());
      }
      TestNode.Response ready = management(node, "/health/ready");
      assertThat(ready.status()).as(ready.body()).isEqualTo(200);
      assertThat(ready.json().path("status").asText()).isEqualTo("DEGRADED");
      await("the outbox's depth in health")
          .atMost(Duration.ofSeconds(10))
          .until(() -> component(node, "outbox.sandbox").path("depth").asLong() >= 40);
      assertThat(component(node, "outbox.sandbox").path("mode").asText()).isEqualTo("relay");
      for (Sent s : during) {
        assertThat(node.statusOf(s.id())).as("readable while waiting").isEqualTo("accepted");
      }

      broker.startApp();
      traffic
          .awaitSettled(traffic.sent(), "after the outage", Duration.ofSeconds(60))
          .assertInvariants();
      for (Map.Entry<String, List<String>> r : perRecipient.entrySet()) {
        List<String> reached = new ArrayList<>(SandboxLedger.sentTo(r.getKey()));
        reached.retainAll(r.getValue());
        assertThat(reached).as("order of %s", r.getKey()).containsExactlyElementsOf(r.getValue());
      }
      await("the API publishes by itself again")
          .atMost(Duration.ofSeconds(30))
          .until(() -> "direct".equals(component(node, "outbox.sandbox").path("mode").asText()));
      assertThat(node.metric("switchboard_outbox_published_total", "channel=\"sandbox\""))
          .isGreaterThanOrEqualTo(40);
      Sent after = traffic.send(TrafficChecker.recipient(0), "after");
      assertThat(after.status()).isEqualTo(202);
      traffic.awaitSettled(List.of(after), "after", Duration.ofSeconds(30)).assertInvariants();
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
