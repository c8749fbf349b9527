package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.channels.sandbox.SandboxLedger;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.http.testing.ProviderRecord;
import dev.switchboard.http.testing.Resources;
import dev.switchboard.http.testing.Sent;
import dev.switchboard.http.testing.StubSmsApi;
import dev.switchboard.http.testing.TestNode;
import dev.switchboard.http.testing.TrafficChecker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The sms channel has two provider instances: first an HTTP SMS API (a stub on loopback, reached
 * over real HTTP), then the sandbox. The API's session is up but it answers every send {@code 503}:
 * its circuit breaker opens after three failures, the failed messages and everything after them go
 * to the sandbox, the instance shows DOWN with its breaker open while the node stays ready. Once
 * the API answers {@code 200} again, a trial after {@code open-for} closes the breaker and traffic
 * returns to it. The checker ends it: every message delivered, once, by one provider or the other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderFailoverTest {
  private static final Duration OPEN_FOR = Duration.ofSeconds(15);
  private static final Duration SETTLE = Duration.ofSeconds(60);

  private String amqpUri;
  private StubSmsApi api;
  private TestNode node;
  private TrafficChecker traffic;

  @BeforeAll
  void start() throws Exception {
    amqpUri = SharedBroker.freshVhostUri("provider-failover");
    api = StubSmsApi.start();
    api.answer(503);
    node =
        TestNode.start(
            amqpUri,
            Map.of(
                "switchboard.engine.channels.sms.providers",
                List.of(
                    Map.of(
                        "type",
                        "stub-api",
                        "name",
                        "stub",
                        "url",
                        api.url(),
                        "circuit-breaker",
                        Map.of(
                            "consecutive-failures", 3,
                            "open-for", OPEN_FOR.toMillis() + "ms",
                            "half-open-trials", 1)),
                    Map.of("type", "sandbox", "name", "sms-sandbox", "ledger", true))));
    String vhost = SharedBroker.vhostOf(amqpUri);
    traffic =
        new TrafficChecker(
            node,
            "ProviderFailoverTest",
            new EitherProvider(api),
            () -> SharedBroker.queueCounts(vhost));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      Resources.closeAll(traffic, node, api);
    } finally {
      SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
    }
  }

  @Test
  void trafficLeavesAFailingProviderAndComesBackWhenItRecovers() {
    assertThat(stub().path("breaker").asText()).isEqualTo("closed");
    assertThat(node.component("provider.sms-sandbox").path("breaker").asText())
        .as("the sandbox type's default")
        .isEqualTo("off");

    List<Sent> failing = send(10, "api-failing");
    await("the API's breaker open")
        .atMost(Duration.ofSeconds(30))
        .until(() -> stub().path("breaker").asText().equals("open"));
    traffic.awaitTerminal(failing, "API failing", SETTLE).assertClean();
    JsonNode open = stub();
    assertThat(open.path("status").asText()).isEqualTo("DOWN");
    assertThat(open.path("state").asText()).as("its session").isEqualTo("UP");
    assertThat(open.path("breakerReason").asText())
        .isEqualTo("3 failures in a row, the last http_503");
    assertThat(node.management("/health/ready").status()).as("still ready").isEqualTo(200);
    assertThat(node.management("/health/ready").json().path("status").asText())
        .isEqualTo("DEGRADED");
    assertThat(breakerMetric("switchboard_provider_breaker_transitions_total", "to=\"open\""))
        .isEqualTo(1);
    assertThat(breakerMetric("switchboard_provider_breaker_state")).isEqualTo(2);
    for (Sent s : failing) {
      assertThat(SandboxLedger.attempts(s.id())).as("%s by the sandbox", s.id()).isEqualTo(1);
    }

    // While the breaker is open, nothing more is even tried on the API.
    int refused = api.requests();
    List<Sent> whileOpen = send(10, "api-skipped");
    traffic.awaitTerminal(whileOpen, "API skipped", SETTLE).assertClean();
    assertThat(api.requests()).isEqualTo(refused);

    // The API recovers: after open-for, the next message is its trial and closes the breaker.
    api.answer(200);
    List<Sent> recovering = new ArrayList<>();
    await("the API's breaker closed again")
        .atMost(OPEN_FOR.plusSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              recovering.addAll(send(1, "api-recovering"));
              return stub().path("breaker").asText().equals("closed");
            });
    assertThat(stub().path("status").asText()).isEqualTo("UP");
    assertThat(stub().path("breakerReason").asText()).isEqualTo("the trial succeeded");

    List<Sent> recovered = send(10, "api-recovered");
    traffic.awaitTerminal(recovered, "API recovered", SETTLE).assertClean();
    for (Sent s : recovered) {
      assertThat(api.accepted(s.id())).as("%s by the API", s.id()).isEqualTo(1);
      assertThat(SandboxLedger.attempts(s.id())).isZero();
    }
    assertThat(breakerMetric("switchboard_provider_breaker_transitions_total", "to=\"half_open\""))
        .isEqualTo(1);
    assertThat(breakerMetric("switchboard_provider_breaker_transitions_total", "to=\"closed\""))
        .isEqualTo(1);
    assertThat(breakerMetric("switchboard_provider_breaker_state")).isZero();

    traffic.awaitSettled(traffic.sent(), "provider fail-over and back", SETTLE).assertInvariants();
  }

  // With a key, so that a send the journal was too slow to take (503 on a loaded machine) is
  // retried as a client would; this test is about what happens after the 202.
  private List<Sent> send(int count, String label) {
    List<Sent> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Sent s =
          traffic.send(
              "sms", String.format("+44770%03d0123", i), label, label + "-" + UUID.randomUUID());
      if (s.refused()) {
        s = traffic.retry(List.of(s), label).get(0);
      }
      assertThat(s.accepted()).as(s.body()).isTrue();
      sent.add(s);
    }
    return sent;
  }

  private JsonNode stub() {
    return node.component("provider.stub");
  }

  private double breakerMetric(String name, String... labels) {
    String[] all = new String[labels.length + 1];
    all[0] = "provider=\"stub\"";
    System.arraycopy(labels, 0, all, 1, labels.length);
    return node.metric(name, all);
  }

  /**
   * What reached a handset through either instance: the API's accepted sends and the sandbox's
   * ledger. A send the API refused with {@code 503} reached nobody.
   */
  private record EitherProvider(StubSmsApi api) implements ProviderRecord {
    @Override
    public int attempts(Sent sent) {
      return api.accepted(sent.id()) + SandboxLedger.attempts(sent.id());
    }

    @Override
    public int expectedAttempts(Sent sent) {
      return 1;
    }

    @Override
    public String expectedStatus(Sent sent) {
      return "delivered";
    }
  }
}
