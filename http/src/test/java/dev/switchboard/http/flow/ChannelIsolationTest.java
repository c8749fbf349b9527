package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.testing.SharedBroker;
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
 * A fault in one channel's broker connections never touches another channel: with traffic on both
 * channels in flight, the sandbox channel's connections are closed; the sms channel never notices
 * (its broker component stays UP with the same reconnects and error, its outbox never takes over
 * from the API), the sandbox channel comes back, and the checker ends it (nothing lost or sent
 * twice on either channel, both channels' queues empty, the engine never restarted).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChannelIsolationTest {
  private String amqpUri;
  private TestNode node;
  private TrafficChecker traffic;

  @BeforeAll
  void start() {
    amqpUri = SharedBroker.freshVhostUri("isolation");
    node =
        TestNode.start(
            amqpUri,
            Map.of(
                "switchboard.broker.restart-backoff.min", "200ms",
                "switchboard.broker.restart-backoff.max", "1s"));
    String vhost = SharedBroker.vhostOf(amqpUri);
    traffic =
        new TrafficChecker(node, "ChannelIsolationTest", () -> SharedBroker.queueCounts(vhost));
  }

  @AfterAll
  void stop() {
    if (traffic != null) {
      traffic.close();
    }
    try {
      if (node != null) {
        node.close();
      }
    } finally {
      SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
    }
  }

  @Test
  void closingOneChannelsConnectionsLeavesTheOtherChannelAlone() {
    await().atMost(Duration.ofSeconds(30)).until(() -> readiness().status() == 200);
    // Work on both channels, some of it still in flight when the connections go.
    traffic.sendAll(20, "sandbox-before-close");
    for (int i = 0; i < 20; i++) {
      Sent s = traffic.send("sms", TrafficChecker.recipient(i), "sms-before-close", null);
      assertThat(s.status()).as("sms #%d: %s", i, s.body()).isEqualTo(202);
    }

    // Measured from here: a broker hiccup while the node started (a fresh quorum queue can refuse
    // the first consume) is not what this test is about.
    JsonNode smsBefore = component("broker.sms");
    int closed = SharedBroker.closeConnections(SharedBroker.vhostOf(amqpUri), "-sandbox");
    Sent sms = traffic.send("sms", Sent.NORMAL, "unaffected", null);

    assertThat(closed).as("the sandbox channel's publisher and consumer").isEqualTo(2);
    assertThat(sms.status()).as(sms.body()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                component("broker.sandbox").path("reconnects").asLong() >= 2
                    && "UP".equals(component("broker.sandbox").path("status").asText()));
    JsonNode smsBroker = component("broker.sms");
    assertThat(smsBroker.path("reconnects").asLong())
        .isEqualTo(smsBefore.path("reconnects").asLong());
    assertThat(smsBroker.path("lastError")).isEqualTo(smsBefore.path("lastError"));
    // Readiness does not follow the broker (the outbox accepts), so the other channel's own
    // components are what shows it untouched: its publisher never handed over to the relay.
    assertThat(smsBroker.path("status").asText()).isEqualTo("UP");
    assertThat(component("outbox.sms").path("mode").asText()).isEqualTo("direct");
    String smsId = sms.id();
    Sent back = traffic.send(Sent.NORMAL, "back");
    assertThat(back.status()).as(back.body()).isEqualTo(202);
    String sandboxId = back.id();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                "delivered".equals(node.statusOf(smsId))
                    && "delivered".equals(node.statusOf(sandboxId)));
    traffic
        .awaitSettled(traffic.sent(), "one channel's connections closed", Duration.ofSeconds(30))
        .assertInvariants();
  }

  private JsonNode component(String name) {
    return readiness().json().path("components").path(name);
  }

  private TestNode.Response readiness() {
    return node.send(
        HttpRequest.newBuilder(node.managementUri("/health/ready"))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build());
  }
}
