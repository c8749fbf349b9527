package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.engine.webhook.Receiver;
import dev.switchboard.http.auth.ApiKeys;
import dev.switchboard.http.testing.TestNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Keeps docs/operations.md (and the README) honest about metrics: every {@code switchboard_*} name
 * they mention is in a running node's {@code /metrics}, exactly as Prometheus sees it, and every
 * {@code switchboard_*} family the node serves is documented there. A node on the embedded journal
 * with the reconciler on sends, fails, rate-limits and delivers webhooks, so metrics registered at
 * first use are there too; the few that only a fault registers are listed below with the fault.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocumentedMetricsTest {
  private static final Path OPERATIONS = Path.of("..", "docs", "operations.md");
  private static final Path README = Path.of("..", "README.md");
  private static final Pattern NAME = Pattern.compile("\\bswitchboard_[a-z0-9_]*[a-z0-9]");
  private static final Pattern TYPE = Pattern.compile("^# TYPE (switchboard_\\S+) (\\S+)$");

  /** Names in the docs that are tables of the journal's database, not metrics. */
  private static final Set<String> TABLES =
      Set.of(
          "switchboard_outbox",
          "switchboard_provider_ids",
          "switchboard_reconciler",
          "switchboard_reconciler_receipts",
          "switchboard_opt_outs",
          "switchboard_provider_state");

  /** A family named with a wildcard ({@code switchboard_provider_*}) in the docs' prose. */
  private static final Set<String> WILDCARDS = Set.of("switchboard_provider");

  /** Registered at their first event, which only a fault makes; each with that fault. */
  private static final Map<String, String> ONLY_ON_FAULTS =
      Map.ofEntries(
          Map.entry(
              "switchboard_delivery_duplicate_jobs_total",
              "a job delivered again after it was handled"),
          Map.entry(
              "switchboard_delivery_possible_duplicate_sends_total",
              "a crash in the middle of a send"),
          Map.entry("switchboard_reconciler_overdue_total", "a message overdue for its state"),
          Map.entry("switchboard_reconciler_republished_total", "a message whose job was lost"),
          Map.entry("switchboard_reconciler_republish_failures_total", "a republish not confirmed"),
          Map.entry("switchboard_reconciler_windows_closed_total", "a receipt that never came"),
          Map.entry(
              "switchboard_webhook_dropped_total",
              "an inbound message for an account without a URL"),
          Map.entry("switchboard_webhook_store_errors_total", "the webhook table failing"),
          Map.entry("switchboard_optouts_blocked_total", "a send to a recipient who opted out"),
          Map.entry("switchboard_optouts_recorded_total", "a STOP, or a provider's opt-out"),
          Map.entry("switchboard_optouts_removed_total", "a START"),
          Map.entry("switchboard_optouts_refresh_failures_total", "the opt-out table failing"),
          Map.entry(
              "switchboard_provider_webhook_requests_total", "a call from a provider's peer"));

  private static final String LIMITED_KEY = "sb_limited_key";

  private String amqpUri;
  private Receiver receiver;
  private TestNode node;

  @BeforeAll
  void start() throws IOException {
    amqpUri = SharedBroker.freshVhostUri("documented-metrics");
    receiver = Receiver.start("metrics-secret");
    node =
        TestNode.startEmbedded(
            amqpUri,
            Files.createTempDirectory("documented-metrics"),
            Map.of(
                // The embedded journal is this node's own: the reconciler may run.
                "switchboard.engine.reconciler.enabled", true,
                "switchboard.engine.reconciler.interval", "5s",
                "switchboard.broker.queue-sample-interval", "500ms",
                "switchboard.http.webhook-secret", "metrics-secret",
                "switchboard.http.accounts",
                    List.of(
                        Map.of(
                            "id", "limited",
                            "key-sha256", ApiKeys.sha256(LIMITED_KEY),
                            "rate-limit", Map.of("per-second", 0.001, "burst", 1)))));
  }

  @AfterAll
  void stop() throws Exception {
    dev.switchboard.http.testing.Resources.closeAll(node, receiver);
    SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
  }

  @Test
  void everyDocumentedMetricIsServedAndEveryServedOneIsDocumented() throws IOException {
    makeTraffic();
    Set<String> documented = documented();
    Set<String> expected = new TreeSet<>(documented);
    expected.removeAll(ONLY_ON_FAULTS.keySet());

    await("every documented metric in /metrics")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> assertThat(missing(expected, served())).as("documented, not served").isEmpty());
    Set<String> undocumented = new TreeSet<>(families(node.management("/metrics").body()));
    undocumented.removeAll(documented);
    assertThat(undocumented).as("served, not in docs/operations.md").isEmpty();
    assertThat(documented)
        .as("the fault-only list names documented metrics")
        .containsAll(ONLY_ON_FAULTS.keySet());
  }

  private void makeTraffic() {
    accept("delivered", "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"hi\"}");
    accept("failed", "{\"channel\":\"sandbox\",\"to\":\"+447700900001\",\"text\":\"hi\"}");
    accept(
        "hook",
        "{\"channel\":\"sandbox\",\"to\":\"+447700900124\",\"text\":\"hook\",\"callbackUrl\":\""
            + receiver.url()
            + "\"}");
    await("a webhook delivered")
        .atMost(Duration.ofSeconds(30))
        .until(() -> !receiver.delivered().isEmpty());
    for (int i = 0; i < 2; i++) {
      node.send(
          HttpRequest.newBuilder(node.uri("/v1/messages/msg_00000000000000000000000000"))
              .header("Authorization", "Bearer " + LIMITED_KEY)
              .timeout(Duration.ofSeconds(10))
              .GET()
              .build());
    }
  }

  // A cold node on a loaded machine may answer a first send 503; resending with the key is safe.
  private void accept(String key, String json) {
    await("accepted: " + key)
        .atMost(Duration.ofSeconds(60))
        .until(() -> node.post("/v1/messages", json, "Idempotency-Key", key).status() / 100 == 2);
  }

  /** {@code switchboard_*} names in the operations guide and the README, tables left out. */
  private static Set<String> documented() throws IOException {
    Set<String> names = new TreeSet<>();
    for (Path doc : List.of(OPERATIONS, README)) {
      Matcher m = NAME.matcher(Files.readString(doc));
      while (m.find()) {
        names.add(m.group());
      }
    }
    names.removeAll(TABLES);
    names.removeAll(WILDCARDS);
    return names;
  }

  /** Every series name in a scrape, histogram and summary parts included. */
  private Set<String> served() {
    Set<String> names = new TreeSet<>();
    for (String line : node.management("/metrics").body().split("\n")) {
      if (line.startsWith("switchboard_")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }

  // A histogram or summary is documented by its family name, served as _count, _sum, ...
  private static Set<String> missing(Set<String> expected, Set<String> served) {
    Set<String> missing = new TreeSet<>();
    for (String name : expected) {
      if (!served.contains(name) && !served.contains(name + "_count")) {
        missing.add(name);
      }
    }
    return missing;
  }

  /** The metric families of a scrape; a timer's {@code _max} gauge belongs to its family. */
  private static Set<String> families(String scrape) {
    Map<String, String> types = new java.util.TreeMap<>();
    for (String line : scrape.split("\n")) {
      Matcher m = TYPE.matcher(line);
      if (m.matches()) {
        types.put(m.group(1), m.group(2));
      }
    }
    Set<String> families = new TreeSet<>();
    for (String name : types.keySet()) {
      String base = name.endsWith("_max") ? name.substring(0, name.length() - 4) : name;
      String baseType = types.get(base);
      boolean timerMax =
          !base.equals(name) && ("histogram".equals(baseType) || "summary".equals(baseType));
      if (!timerMax) {
        families.add(name);
      }
    }
    return families;
  }
}
