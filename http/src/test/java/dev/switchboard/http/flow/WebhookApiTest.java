package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.delivery.HistoryEntry;
import dev.switchboard.engine.delivery.MessageView;
import dev.switchboard.engine.message.MessageStatus;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.persistence.DatabaseSettings;
import dev.switchboard.engine.persistence.SqlStore;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.engine.webhook.Outbox;
import dev.switchboard.engine.webhook.OutboxRow;
import dev.switchboard.engine.webhook.WebhookEvent;
import dev.switchboard.http.auth.ApiKeys;
import dev.switchboard.http.testing.TestNode;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /v1/webhooks/failed} over real HTTP, on a node with the SSRF policy on (no private
 * targets): a callback to loopback is refused at the API, and events queued for one are
 * dead-lettered at delivery, listed per account, and redelivered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookApiTest {
  private static final Duration SETTLE = Duration.ofSeconds(20);
  private static final String ACME_KEY = "acme-" + UUID.randomUUID();

  private String amqpUri;
  private TestNode node;
  private SqlStore store;
  private Outbox outbox;

  @BeforeAll
  void start() {
    amqpUri = SharedBroker.freshVhostUri("webhooks");
    node =
        TestNode.start(
            amqpUri,
            Map.of(
                "switchboard.webhooks.allow-private",
                false,
                "switchboard.webhooks.poll-interval",
                "100ms",
                "switchboard.http.webhook-secret",
                "s-default",
                "switchboard.http.accounts",
                List.of(
                    Map.of(
                        "id", "acme",
                        "key-sha256", ApiKeys.sha256(ACME_KEY),
                        "webhook-secret", "s-acme"))));
    DatabaseSettings db =
        DatabaseSettings.create(
            ConfigFactory.parseMap(
                    Map.of(
                        "switchboard.db.url",
                        TestNode.POSTGRES_URL,
                        "switchboard.db.user",
                        TestNode.POSTGRES_USER))
                .withFallback(ConfigFactory.load()));
    store = SqlStore.open(db, 2, ForkJoinPool.commonPool());
    outbox = new Outbox(store);
  }

  @AfterAll
  void stop() throws Exception {
    if (store != null) {
      store.close();
    }
    if (node != null) {
      node.close();
    }
    SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
  }

  @Test
  void callbackUrlToAPrivateAddressIsRefusedWith400() {
    TestNode.Response refused =
        node.post(
            "/v1/messages",
            "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"x\","
                + "\"callbackUrl\":\"http://127.0.0.1/hooks\"}");
    TestNode.Response batch =
        node.post(
            "/v1/messages/batch",
            "{\"messages\":[{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"x\","
                + "\"callbackUrl\":\"https://169.254.169.254/latest\"}]}");

    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.json().path("error").path("field").asText()).isEqualTo("callbackUrl");
    assertThat(refused.json().path("error").path("code").asText()).isEqualTo("invalid_request");
    assertThat(batch.json().path("results").get(0).path("error").path("field").asText())
        .isEqualTo("callbackUrl");
  }

  @Test
  void failedEventsAreListedNewestFirstPerAccountAndPageByCursor() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(deadEvent("default"));
    }

    JsonNode first = node.get("/v1/webhooks/failed?limit=2").json();
    String cursor = first.path("nextCursor").asText();
    JsonNode second =
        node.get(
                "/v1/webhooks/failed?limit=2&cursor="
                    + URLEncoder.encode(cursor, StandardCharsets.UTF_8))
            .json();

    List<String> listed = new ArrayList<>();
    first.path("data").forEach(item -> listed.add(item.path("id").asText()));
    assertThat(listed).hasSize(2);
    second.path("data").forEach(item -> listed.add(item.path("id").asText()));
    assertThat(listed).doesNotHaveDuplicates().containsAll(ids);
    JsonNode item = first.path("data").get(0);
    assertThat(item.path("type").asText()).isEqualTo("message.status");
    assertThat(item.path("url").asText()).startsWith("http://127.0.0.1");
    assertThat(item.path("attempts").asInt()).isEqualTo(1);
    assertThat(item.path("lastError").asText()).contains("target refused");
    assertThat(item.path("failedAt").asText()).isNotEmpty();
    assertThat(item.path("createdAt").asText()).isNotEmpty();
    assertThat(item.path("data").path("status").asText()).isEqualTo("accepted");
    JsonNode acme = asAcme("/v1/webhooks/failed?limit=100").json();
    acme.path("data").forEach(other -> assertThat(ids).doesNotContain(other.path("id").asText()));
  }

  @Test
  void redeliverPutsTheEventBackAndAnotherAccountsIsNotFound() throws Exception {
    String id = deadEvent("default");

    TestNode.Response theirs =
        node.send(
            HttpRequest.newBuilder(node.uri("/v1/webhooks/failed/" + id + "/redeliver"))
                .header("Authorization", "Bearer " + ACME_KEY)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    TestNode.Response unknown = node.post("/v1/webhooks/failed/evt_unknown_0/redeliver", "");
    TestNode.Response mine = node.post("/v1/webhooks/failed/" + id + "/redeliver", "");

    assertThat(theirs.status()).isEqualTo(404);
    assertThat(theirs.json().path("error").path("code").asText()).isEqualTo("not_found");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(mine.status()).as(mine.body()).isEqualTo(202);
    assertThat(mine.json().path("id").asText()).isEqualTo(id);
    assertThat(mine.json().path("status").asText()).isEqualTo("pending");
    // Tried again with a fresh budget, and refused again by the policy.
    await()
        .atMost(SETTLE)
        .until(() -> outbox.find(id).get().orElseThrow().state().equals(OutboxRow.DEAD));
    assertThat(outbox.find(id).get().orElseThrow().attempts()).isEqualTo(1);
  }

  @Test
  void badLimitOrCursorIs400AndNoKeyIs401() {
    for (String query :
        List.of("limit=0", "limit=101", "limit=abc", "cursor=%21%21", "cursor=bm9wZQ")) {
      TestNode.Response bad = node.get("/v1/webhooks/failed?" + query);
      assertThat(bad.status()).as(query + ": " + bad.body()).isEqualTo(400);
      assertThat(bad.json().path("error").path("field").asText())
          .isEqualTo(query.substring(0, query.indexOf('=')));
    }
    TestNode.Response anonymous =
        node.send(HttpRequest.newBuilder(node.uri("/v1/webhooks/failed")).GET().build());
    TestNode.Response anonymousRedeliver =
        node.send(
            HttpRequest.newBuilder(node.uri("/v1/webhooks/failed/evt_x/redeliver"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymousRedeliver.status()).isEqualTo(401);
    assertThat(node.get("/v1/webhooks/failed").status()).isEqualTo(200);
  }

  @Test
  void readinessShowsTheWebhooksComponentUp() {
    TestNode.Response ready =
        node.send(HttpRequest.newBuilder(node.managementUri("/health/ready")).GET().build());

    JsonNode webhooks = ready.json().path("components").path("webhooks");
    assertThat(webhooks.path("status").asText()).as(ready.body()).isEqualTo("UP");
    assertThat(webhooks.has("pending")).isTrue();
  }

  private TestNode.Response asAcme(String path) {
    return node.send(
        HttpRequest.newBuilder(node.uri(path))
            .header("Authorization", "Bearer " + ACME_KEY)
            .GET()
            .build());
  }

  // Queued for a loopback target, which this node's policy refuses at delivery: dead at once.
  private String deadEvent(String account) throws Exception {
    Instant now = Instant.now();
    OutboundMessage message =
        new OutboundMessage(
            "msg_" + UUID.randomUUID(),
            account,
            "sandbox",
            "+447700900123",
            null,
            "hi",
            "http://127.0.0.1:9/hooks",
            0,
            Map.of(),
            now);
    MessageView view =
        new MessageView(
            message,
            MessageStatus.ACCEPTED,
            0,
            List.of(new HistoryEntry(MessageStatus.ACCEPTED, now, null, null)),
            null,
            now);
    WebhookEvent event = WebhookEvent.status(view);
    outbox.enqueue(event, now).get();
    await()
        .atMost(SETTLE)
        .until(
            () ->
                outbox
                    .find(event.id())
                    .get()
                    .map(OutboxRow::state)
                    .orElse("")
                    .equals(OutboxRow.DEAD));
    return event.id();
  }
}
