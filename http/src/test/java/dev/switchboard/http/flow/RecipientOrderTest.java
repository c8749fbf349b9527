package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.channels.sandbox.SandboxLedger;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.http.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Messages to one recipient on one channel reach the provider in acceptance order, even when each
 * of them needs retries with jittered backoff (which, without per-recipient order, lets later
 * messages overtake earlier ones); other recipients are not held up meanwhile.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecipientOrderTest {
  private String amqpUri;
  private TestNode node;

  @BeforeAll
  void start() {
    amqpUri = SharedBroker.freshVhostUri("order");
    node =
        TestNode.start(
            amqpUri,
            Map.of(
                "switchboard.engine.delivery.retry-backoff.min", "300ms",
                "switchboard.engine.delivery.retry-backoff.max", "1s"));
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
  void retriedMessagesToOneRecipientKeepTheirOrderAndOthersPass() {
    // The sandbox fails every message to a ...0002 recipient twice before taking it.
    String slow = "+447712340002";
    String other = "+447712340003";
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      accepted.add(node.sendSandbox(slow, "in-order-" + i).json().path("id").asText());
    }
    String unrelated = node.sendSandbox(other, "not held up").json().path("id").asText();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "delivered".equals(node.statusOf(unrelated)));
    assertThat(node.statusOf(accepted.get(accepted.size() - 1)))
        .as("the unrelated recipient finished before the slow one's queue")
        .isNotEqualTo("delivered");
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> accepted.stream().allMatch(id -> "delivered".equals(node.statusOf(id))));
    assertThat(SandboxLedger.sentTo(slow)).containsExactlyElementsOf(accepted);
  }
}
