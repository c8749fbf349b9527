package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.SwitchboardConfig;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.http.HttpSettings;
import dev.switchboard.http.testing.TestNode;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Health detail and metrics are on the management port only: the API port's probes answer the
 * status alone, and the management port is on loopback unless configured otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManagementPortTest {
  private String amqpUri;
  private TestNode node;

  @BeforeAll
  void start() {
    amqpUri = SharedBroker.freshVhostUri("management");
    node = TestNode.start(amqpUri, Map.of());
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
    SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
  }

  @Test
  void theApiPortAnswersTheStatusOnly() {
    TestNode.Response ready = unauthenticated(node.uri("/health/ready"));
    TestNode.Response live = unauthenticated(node.uri("/health/live"));

    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().path("status").asText()).isEqualTo("UP");
    assertThat(ready.json().has("components")).as(ready.body()).isFalse();
    assertThat(ready.body()).doesNotContain("127.0.0.1").doesNotContain("jdbc");
    assertThat(live.status()).isEqualTo(200);
    assertThat(live.json().path("status").asText()).isEqualTo("UP");
  }

  @Test
  void theApiPortHasNoMetrics() {
    TestNode.Response metrics = unauthenticated(node.uri("/metrics"));

    assertThat(metrics.status()).isEqualTo(404);
    assertThat(metrics.body()).doesNotContain("switchboard_");
  }

  @Test
  void theManagementPortHasTheDetailAndTheMetrics() {
    TestNode.Response ready = node.management("/health/ready");
    TestNode.Response live = node.management("/health/live");
    TestNode.Response metrics = node.management("/metrics");

    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().path("components").path("journal").path("status").asText())
        .isEqualTo("UP");
    assertThat(ready.json().path("components").path("broker.sandbox").path("node").asText())
        .isEqualTo("127.0.0.1:5672");
    assertThat(live.status()).isEqualTo(200);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body()).contains("jvm_memory_used_bytes");
    assertThat(node.app().managementPort()).isNotEqualTo(node.app().port());
  }

  @Test
  void theManagementPortDefaultsToLoopback8558() {
    HttpSettings defaults =
        HttpSettings.create(
            SwitchboardConfig.load(ConfigFactory.parseResources("application.conf")));

    assertThat(defaults.managementHost()).isEqualTo("127.0.0.1");
    assertThat(defaults.managementPort()).isEqualTo(8558);
  }

  private TestNode.Response unauthenticated(java.net.URI uri) {
    return node.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build());
  }
}
