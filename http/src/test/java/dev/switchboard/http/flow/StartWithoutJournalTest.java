package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.engine.testing.TcpProxy;
import dev.switchboard.http.testing.HealthWatch;
import dev.switchboard.http.testing.ProxiedPostgres;
import dev.switchboard.http.testing.TestNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node started while its journal's database does not answer (blackholed behind a TCP proxy) is
 * live and not ready, says why on the management port, refuses sends with {@code 503}, and becomes
 * ready by itself once the database answers: no exit, no restart.
 */
class StartWithoutJournalTest {
  private String amqpUri;
  private ProxiedPostgres postgres;
  private TcpProxy proxy;

  @BeforeEach
  void setUp() throws Exception {
    amqpUri = SharedBroker.freshVhostUri("start-without-journal");
    postgres = ProxiedPostgres.create("nojournal");
    proxy = postgres.proxy();
  }

  @AfterEach
  void tearDown() throws Exception {
    postgres.close();
    SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
  }

  @Test
  void nodeWaitsForItsJournalAndBecomesReadyByItself() throws Exception {
    proxy.blackhole();
    Map<String, Object> settings = new HashMap<>(postgres.journal("1s", "2s"));
    settings.put("switchboard.db.probe-interval", "500ms");
    try (TestNode node = TestNode.startNotReady(amqpUri, settings)) {
      assertThat(node.get("/health/live").status()).isEqualTo(200);
      assertThat(node.get("/health/ready").status()).isEqualTo(503);
      await("the journal's error on the management port")
          .atMost(Duration.ofSeconds(15))
          .until(
              () ->
                  !HealthWatch.probe(node, "/health/ready")
                      .json()
                      .path("components")
                      .path("journal")
                      .path("lastError")
                      .asText()
                      .equals("not checked yet"));
      TestNode.Response refused = node.sendSandbox("+447700900123", "too early");
      assertThat(refused.status()).as(refused.body()).isEqualTo(503);
      assertThat(refused.json().path("error").path("code").asText()).isEqualTo("unavailable");
      assertThat(refused.header("Retry-After")).isNotBlank();

      proxy.pass();
      node.awaitReady(Duration.ofSeconds(60));
      TestNode.Response sent = node.sendSandbox("+447700900123", "now");
      assertThat(sent.status()).as(sent.body()).isEqualTo(202);
      String id = sent.json().path("id").asText();
      await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(node.statusOf(id)));
    }
  }
}
