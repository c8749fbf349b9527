package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.http.testing.TestNode;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A fault in one channel's broker connections never touches another channel. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChannelIsolationTest {
  private String amqpUri;
  private TestNode node;

  @BeforeAll
  void start() {
    amqpUri = SharedBroker.freshVhostUri("isolation");
    node =
        TestNode.start(
            amqpUri,
            Map.of(
                "switchboard.broker.restart-backoff.min", "200ms",
                "switchboard.broker.restart-backoff.max", "1s"));
  }

  @AfterAll
  void stop() {
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

    int closed = SharedBroker.closeConnections(SharedBroker.vhostOf(amqpUri), "-sandbox");
    TestNode.Response sms =
        node.post(
            "/v1/messages",
            "{\"channel\":\"sms\",\"to\":\"+447700900123\",\"text\":\"unaffected\"}");

    assertThat(closed).as("the sandbox channel's publisher and consumer").isEqualTo(2);
    assertThat(sms.status()).as(sms.body()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                component("broker.sandbox").path("reconnects").asLong() >= 2
                    && readiness().status() == 200);
    JsonNode smsBroker = component("broker.sms");
    assertThat(smsBroker.path("reconnects").asLong()).isZero();
    assertThat(smsBroker.path("lastError").isNull()).isTrue();
    String smsId = sms.json().path("id").asText();
    String sandboxId = node.sendSandbox("+447700900123", "back").json().path("id").asText();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                "delivered".equals(node.statusOf(smsId))
                    && "delivered".equals(node.statusOf(sandboxId)));
  }

  private JsonNode component(String name) {
    return readiness().json().path("components").path(name);
  }

  private TestNode.Response readiness() {
    return node.send(
        HttpRequest.newBuilder(node.uri("/health/ready"))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build());
  }
}
