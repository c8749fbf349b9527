package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.channels.sandbox.SandboxLedger;
import dev.switchboard.engine.testing.RabbitNode;
import dev.switchboard.http.testing.Resources;
import dev.switchboard.http.testing.Sent;
import dev.switchboard.http.testing.TestNode;
import dev.switchboard.http.testing.TrafficChecker;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two brokers stand for two sites. The primary goes down with work still queued on it: the channel
 * fails over to the secondary by itself (its {@code broker.sandbox} component UP on the secondary:
 * readiness alone would not show it, a node without its broker being ready) and keeps accepting;
 * when the primary returns, what was left on it is drained, and the channel fails back to it. The
 * checker ends it: nothing refused, lost or sent twice, both sites' queues empty, the engine never
 * restarted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SiteFailoverTest {
  private static final Set<String> TERMINAL = Set.of("delivered", "failed", "expired");

  private RabbitNode primary;
  private RabbitNode secondary;
  private TestNode node;
  private TrafficChecker traffic;

  @BeforeAll
  void start() throws Exception {
    primary = RabbitNode.start(RabbitNode.freePort());
    secondary = RabbitNode.start(RabbitNode.freePort());
    // @AfterAll runs even when this fails half-way, and closes whatever was started.
    node =
        TestNode.start(
            "amqp://unused",
            Map.ofEntries(
                Map.entry(
                    "switchboard.broker.sites",
                    "primary=" + primary.amqpUri() + ";secondary=" + secondary.amqpUri()),
                Map.entry("switchboard.broker.restart-backoff.min", "200ms"),
                Map.entry("switchboard.broker.restart-backoff.max", "1s"),
                Map.entry("switchboard.broker.failover.after-attempts", "3"),
                Map.entry("switchboard.broker.failover.after", "10s"),
                Map.entry("switchboard.broker.failover.failback-after", "3s"),
                Map.entry("switchboard.broker.failover.check-interval", "200ms"),
                // A slow provider and a small prefetch leave work queued on the primary.
                Map.entry("switchboard.broker.prefetch", "2"),
                Map.entry("switchboard.engine.channels.sandbox.latency", "300ms")));
    traffic =
        new TrafficChecker(node, "SiteFailoverTest", primary::queueCounts, secondary::queueCounts);
  }

  @AfterAll
  void stop() throws Exception {
    Resources.closeAll(traffic, node, primary, secondary);
  }

  @Test
  void failsOverWhenThePrimaryGoesAndBackWhenItReturnsWithItsLeftoversDrained() {
    node.awaitReady(Duration.ofSeconds(30));
    assertThat(broker().path("site").asText()).isEqualTo("primary");

    List<String> onPrimary = sendMany(20, "left on the primary");
    primary.stopApp();
    long downAt = System.nanoTime();

    await("fail-over to the secondary")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "secondary".equals(broker().path("site").asText())
                    && "UP".equals(broker().path("status").asText()));
    Duration failover = Duration.ofNanos(System.nanoTime() - downAt);
    assertThat(broker().path("failovers").asLong()).isGreaterThanOrEqualTo(1);
    List<String> onSecondary = sendMany(10, "sent to the secondary");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> onSecondary.stream().allMatch(id -> TERMINAL.contains(node.statusOf(id))));
    List<String> stranded =
        onPrimary.stream().filter(id -> !TERMINAL.contains(node.statusOf(id))).toList();
    assertThat(stranded)
        .as("some work must be left on the primary for this test to mean anything")
        .isNotEmpty();

    primary.startApp();
    long backAt = System.nanoTime();

    await("leftovers drained from the primary")
        .atMost(Duration.ofSeconds(60))
        .until(() -> onPrimary.stream().allMatch(id -> TERMINAL.contains(node.statusOf(id))));
    await("fail-back to the primary")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                "primary".equals(broker().path("site").asText())
                    && "UP".equals(broker().path("status").asText()));
    Duration failback = Duration.ofNanos(System.nanoTime() - backAt);
    List<String> afterFailBack = sendMany(5, "back on the primary");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> afterFailBack.stream().allMatch(id -> "delivered".equals(node.statusOf(id))));

    List<String> all = new ArrayList<>(onPrimary);
    all.addAll(onSecondary);
    all.addAll(afterFailBack);
    // The whole checker on every send: both sites' channel queues are empty again.
    assertThat(traffic.sent()).hasSize(all.size());
    traffic
        .awaitSettled(traffic.sent(), "site fail-over and fail-back", Duration.ofSeconds(30))
        .assertNoneRefused()
        .assertInvariants();
    Map<String, Integer> duplicates =
        all.stream()
            .filter(id -> SandboxLedger.attempts(id) != 1)
            .collect(Collectors.toMap(id -> id, SandboxLedger::attempts));
    System.out.printf(
        "fail-over after %d ms, fail-back %d ms after the primary returned, %d stranded on the primary, duplicates %s%n",
        failover.toMillis(), failback.toMillis(), stranded.size(), duplicates);
    assertThat(all).allMatch(id -> "delivered".equals(node.statusOf(id)));
    assertThat(duplicates).as("messages the provider saw more than once").isEmpty();
  }

  private List<String> sendMany(int count, String text) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      // Recipients end in 3: never one of the sandbox's failing ones (0001, 0002).
      Sent sent =
          traffic.send(String.format("+4477009%05d", 10003 + 10 * i), text.replace(' ', '-'));
      assertThat(sent.status()).as(sent.body()).isEqualTo(202);
      ids.add(sent.id());
    }
    return ids;
  }

  private JsonNode broker() {
    return readiness().json().path("components").path("broker.sandbox");
  }

  private TestNode.Response readiness() {
    return node.send(
        HttpRequest.newBuilder(node.managementUri("/health/ready"))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build());
  }
}
