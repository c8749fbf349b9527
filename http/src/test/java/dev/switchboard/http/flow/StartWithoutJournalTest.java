package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.engine.testing.TcpProxy;
import dev.switchboard.http.testing.HealthWatch;
import dev.switchboard.http.testing.TestNode;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node started while its journal's database does not answer (blackholed behind a TCP proxy) is
 * live and not ready, says why on the management port, refuses sends with {@code 503}, and becomes
 * ready by itself once the database answers: no exit, no restart.
 */
class StartWithoutJournalTest {
  private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/";

  private String amqpUri;
  private String database;
  private TcpProxy proxy;

  @BeforeEach
  void setUp() throws Exception {
    amqpUri = SharedBroker.freshVhostUri("start-without-journal");
    database = "nojournal_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    admin("CREATE DATABASE " + database);
    proxy = TcpProxy.start("127.0.0.1", 5432);
  }

  @AfterEach
  void tearDown() throws Exception {
    proxy.close();
    SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
    admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
  }

  @Test
  void nodeWaitsForItsJournalAndBecomesReadyByItself() throws Exception {
    proxy.blackhole();
    Map<String, Object> settings =
        Map.of(
            "switchboard.db.url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + database,
            "switchboard.db.user", TestNode.POSTGRES_USER,
            "switchboard.db.connect-timeout", "1s",
            "switchboard.db.socket-timeout", "2s",
            "switchboard.db.probe-interval", "500ms");
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

  private static void admin(String sql) throws Exception {
    try (java.sql.Connection c =
            DriverManager.getConnection(POSTGRES + "test", TestNode.POSTGRES_USER, "");
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
