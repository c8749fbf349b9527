package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.channels.sandbox.SandboxLedger;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.engine.testing.TcpProxy;
import dev.switchboard.http.testing.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code POST /v1/messages/batch} on real parts: one result per item in order, every accepted item
 * readable at once and delivered like a single send, invalid items refused one by one, a bad
 * envelope refused whole; a broker the node has never reached does not refuse any valid item: each
 * is accepted into the outbox (readable, {@code accepted}) and delivered, once, when the broker
 * becomes reachable.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchSendTest {
  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final String BATCH = "/v1/messages/batch";

  private String amqpUri;
  private TestNode node;

  @BeforeAll
  void start() {
    amqpUri = SharedBroker.freshVhostUri("batch");
    node = TestNode.start(amqpUri, Map.of());
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
    SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
  }

  private static String sandbox(String to, String text) {
    return "{\"channel\":\"sandbox\",\"to\":\"" + to + "\",\"text\":\"" + text + "\"}";
  }

  private static String batch(List<String> messages) {
    return "{\"messages\":[" + String.join(",", messages) + "]}";
  }

  private static List<String> sandboxMessages(int n, String text) {
    return IntStream.range(0, n)
        // Distinct recipients, none ending in the sandbox's failing suffixes (0001, 0002).
        .mapToObj(i -> sandbox(String.format("+4477009%03d55", i), text))
        .collect(Collectors.toList());
  }

  private static List<JsonNode> results(TestNode.Response response) {
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    List<JsonNode> results = new ArrayList<>();
    response.json().path("results").forEach(results::add);
    return results;
  }

  private void awaitDelivered(List<String> ids) {
    for (String id : ids) {
      await().atMost(SETTLE).until(() -> "delivered".equals(node.statusOf(id)));
    }
  }

  @Test
  void validItemsAreAcceptedAndInvalidOnesRefusedEachInItsPlace() {
    TestNode.Response response =
        node.post(
            BATCH,
            batch(
                List.of(
                    sandbox("+447700900123", "first"),
                    "{\"channel\":\"sandbox\",\"text\":\"no recipient\"}",
                    sandbox("+447700900124", "third"),
                    "{\"channel\":\"fax\",\"to\":\"+447700900125\",\"text\":\"x\"}",
                    "42")));

    List<JsonNode> results = results(response);
    assertThat(results).extracting(r -> r.path("index").asInt()).containsExactly(0, 1, 2, 3, 4);
    for (int accepted : new int[] {0, 2}) {
      assertThat(results.get(accepted).path("status").asText()).isEqualTo("accepted");
      assertThat(results.get(accepted).path("id").asText()).startsWith("msg_");
      assertThat(results.get(accepted).path("created").asBoolean()).isTrue();
      assertThat(results.get(accepted).has("error")).isFalse();
    }
    assertThat(results.get(1).path("error").path("code").asText()).isEqualTo("invalid_request");
    assertThat(results.get(1).path("error").path("field").asText()).isEqualTo("to");
    assertThat(results.get(3).path("error").path("field").asText()).isEqualTo("channel");
    assertThat(results.get(4).path("error").path("code").asText()).isEqualTo("invalid_request");
    assertThat(results.get(1).has("id")).isFalse();

    List<String> ids =
        List.of(results.get(0).path("id").asText(), results.get(2).path("id").asText());
    // Readable from the moment the batch was answered, as after a single 202.
    ids.forEach(id -> assertThat(node.get("/v1/messages/" + id).status()).isEqualTo(200));
    awaitDelivered(ids);
    ids.forEach(id -> assertThat(SandboxLedger.attempts(id)).isEqualTo(1));
  }

  @Test
  void aHundredItemsAreAllAcceptedReadableAndDelivered() {
    List<JsonNode> results = results(node.post(BATCH, batch(sandboxMessages(100, "bulk"))));

    assertThat(results).hasSize(100);
    assertThat(results).extracting(r -> r.path("index").asInt()).isSorted();
    assertThat(results).allMatch(r -> "accepted".equals(r.path("status").asText()));
    List<String> ids = results.stream().map(r -> r.path("id").asText()).toList();
    assertThat(ids).doesNotHaveDuplicates();
    ids.forEach(id -> assertThat(node.get("/v1/messages/" + id).status()).isEqualTo(200));
    awaitDelivered(ids);
  }

  @Test
  void aBatchLargerThanASingleSendsBodyLimitIsAccepted() {
    // 100 x 1,000 characters: past the 64k of a single send, within the batch's 1 MiB.
    List<JsonNode> results =
        results(node.post(BATCH, batch(sandboxMessages(100, "x".repeat(1_000)))));

    assertThat(results).allMatch(r -> "accepted".equals(r.path("status").asText()));
  }

  @Test
  void aBodyOverTheBatchLimitIs413() {
    TestNode.Response response = node.post(BATCH, batch(sandboxMessages(100, "x".repeat(11_000))));

    assertThat(response.status()).as(response.body()).isEqualTo(413);
    assertThat(response.json().path("error").path("code").asText()).isEqualTo("payload_too_large");
  }

  @Test
  void aHundredAndOneItemsRefuseTheWholeBatch() {
    TestNode.Response response = node.post(BATCH, batch(sandboxMessages(101, "too many")));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().path("error").path("code").asText()).isEqualTo("invalid_request");
    assertThat(response.json().path("error").path("field").asText()).isEqualTo("messages");
  }

  @Test
  void anEnvelopeThatIsNotABatchIsRefusedWhole() {
    for (String body :
        List.of(
            "{\"messages\":" + sandbox("+447700900123", "not in an array") + "}",
            "[" + sandbox("+447700900123", "a bare array") + "]",
            "{\"messages\":[]}",
            "{\"messages\":[",
            "{}")) {
      TestNode.Response response = node.post(BATCH, body);

      assertThat(response.status()).as(body).isEqualTo(400);
      assertThat(response.json().path("error").path("code").asText()).isEqualTo("invalid_request");
    }
  }

  @Test
  void anIdempotencyKeyHeaderIsRefused() {
    TestNode.Response response =
        node.post(
            BATCH,
            batch(List.of(sandbox("+447700900123", "keyed"))),
            "Idempotency-Key",
            "whole-batch");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().path("error").path("field").asText()).isEqualTo("Idempotency-Key");
  }

  @Test
  void anItemsIdempotencyKeyNamesTheSameMessageAsASingleSendsHeader() {
    String key = "order-" + UUID.randomUUID();
    String keyed =
        "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"once\",\"idempotencyKey\":\""
            + key
            + "\"}";

    JsonNode first = results(node.post(BATCH, batch(List.of(keyed)))).get(0);
    JsonNode again = results(node.post(BATCH, batch(List.of(keyed)))).get(0);
    TestNode.Response single =
        node.post("/v1/messages", sandbox("+447700900123", "once"), "Idempotency-Key", key);

    String id = first.path("id").asText();
    assertThat(first.path("created").asBoolean()).isTrue();
    assertThat(again.path("id").asText()).isEqualTo(id);
    assertThat(again.path("created").asBoolean()).isFalse();
    assertThat(again.path("createdAt")).isEqualTo(first.path("createdAt"));
    assertThat(single.status()).isEqualTo(200);
    assertThat(single.json().path("id").asText()).isEqualTo(id);
    awaitDelivered(List.of(id));
    assertThat(SandboxLedger.attempts(id)).isEqualTo(1);
  }

  @Test
  void anUnreachableBrokerStillAcceptsEachValidItemAndDeliversItOnceReachable() {
    String orphanVhost = SharedBroker.vhostOf(SharedBroker.freshVhostUri("batch-orphan"));
    // The path to the broker is dead from the start: the node has never been connected.
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", 5672)) {
      proxy.blackhole();
      try (TestNode orphan =
          TestNode.startNotReady(
              "amqp://guest:guest@127.0.0.1:" + proxy.port() + "/" + orphanVhost,
              Map.of(
                  "switchboard.broker.connect-timeout", "2s",
                  "switchboard.broker.restart-backoff.min", "200ms",
                  "switchboard.broker.restart-backoff.max", "1s",
                  "switchboard.engine.outbox.retry-interval", "200ms"))) {
        await("ready without the broker")
            .atMost(SETTLE)
            .until(() -> orphan.management("/health/ready").status() == 200);
        assertThat(orphan.component("broker.sandbox").path("status").asText()).isEqualTo("DOWN");

        TestNode.Response response =
            orphan.post(
                BATCH,
                batch(
                    List.of(
                        sandbox("+447700900123", "no broker"),
                        "{\"channel\":\"sandbox\",\"to\":\"+447700900123\"}")));
        List<JsonNode> results = results(response);

        // Durable in the journal is enough for "accepted": the outbox publishes it later.
        JsonNode accepted = results.get(0);
        assertThat(accepted.path("status").asText()).as(accepted.toString()).isEqualTo("accepted");
        assertThat(accepted.has("error")).isFalse();
        String id = accepted.path("id").asText();
        assertThat(id).startsWith("msg_");
        assertThat(results.get(1).path("error").path("code").asText()).isEqualTo("invalid_request");
        assertThat(orphan.statusOf(id)).as("readable while waiting").isEqualTo("accepted");
        await("the outbox holds it")
            .atMost(Duration.ofSeconds(10))
            .until(() -> orphan.component("outbox.sandbox").path("depth").asLong() >= 1);

        proxy.pass();
        await("delivered once the broker is reachable")
            .atMost(Duration.ofSeconds(60))
            .until(() -> "delivered".equals(orphan.statusOf(id)));
        assertThat(SandboxLedger.attempts(id)).isEqualTo(1);
      }
    } finally {
      SharedBroker.deleteVhost(orphanVhost);
    }
  }
}
