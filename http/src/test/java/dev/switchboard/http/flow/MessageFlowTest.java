package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.switchboard.channels.sandbox.SandboxLedger;
import dev.switchboard.engine.broker.Topology;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.http.auth.ApiKeys;
import dev.switchboard.http.testing.TestNode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
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
 * The whole path on real parts: HTTP, the shared RabbitMQ (a vhost of this class's own), the
 * journal on PostgreSQL, the sandbox provider, and back to the status read over HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessageFlowTest {
  private static final Duration SETTLE = Duration.ofSeconds(20);
  private static final String ACME_KEY = "acme-" + UUID.randomUUID();

  private String amqpUri;
  private TestNode node;

  @BeforeAll
  void start() throws Exception {
    amqpUri = SharedBroker.freshVhostUri("flow");
    node =
        TestNode.start(
            amqpUri,
            Map.of(
                "switchboard.engine.delivery.retry-backoff.min",
                "50ms",
                "switchboard.engine.delivery.retry-backoff.max",
                "200ms",
                "switchboard.http.accounts",
                List.of(Map.of("id", "acme", "key-sha256", ApiKeys.sha256(ACME_KEY)))));
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) {
      node.close();
    }
    SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
  }

  @Test
  void acceptedMessageIsDeliveredAndItsHistoryReadable() {
    TestNode.Response sent = node.sendSandbox("+447700900123", "Hello");

    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    JsonNode body = sent.json();
    String id = body.path("id").asText();
    assertThat(id).startsWith("msg_");
    assertThat(body.path("status").asText()).isEqualTo("accepted");
    assertThat(body.path("channel").asText()).isEqualTo("sandbox");
    // Readable from the moment 202 was returned.
    assertThat(node.get("/v1/messages/" + id).status()).isEqualTo(200);

    await().atMost(SETTLE).until(() -> "delivered".equals(node.statusOf(id)));
    JsonNode read = node.get("/v1/messages/" + id).json();
    assertThat(statuses(read)).containsExactly("accepted", "sending", "sent", "delivered");
    assertThat(read.path("attempts").asInt()).isEqualTo(1);
    assertThat(read.path("error").isNull()).isTrue();
    assertThat(read.path("history").get(2).path("providerMessageId").asText()).startsWith("sbx_");
    assertThat(SandboxLedger.attempts(id)).isEqualTo(1);
    // The receipt is dated when the handset got it: the sandbox's receipt delay after the send.
    java.time.Instant sentAt =
        java.time.Instant.parse(read.path("history").get(2).path("at").asText());
    java.time.Instant deliveredAt =
        java.time.Instant.parse(read.path("history").get(3).path("at").asText());
    assertThat(Duration.between(sentAt, deliveredAt)).isGreaterThanOrEqualTo(Duration.ofMillis(90));
  }

  @Test
  void smsAcceptanceReportsSegmentsAndEncoding() {
    TestNode.Response gsm =
        node.post(
            "/v1/messages",
            "{\"channel\":\"sms\",\"to\":\"+447700900123\",\"text\":\"" + "a".repeat(161) + "\"}");
    TestNode.Response ucs =
        node.post(
            "/v1/messages", "{\"channel\":\"sms\",\"to\":\"+447700900123\",\"text\":\"Привет\"}");

    assertThat(gsm.status()).as(gsm.body()).isEqualTo(202);
    assertThat(gsm.json().path("segments").asInt()).isEqualTo(2);
    assertThat(gsm.json().path("encoding").asText()).isEqualTo("GSM-7");
    assertThat(ucs.json().path("segments").asInt()).isEqualTo(1);
    assertThat(ucs.json().path("encoding").asText()).isEqualTo("UCS-2");
    String id = gsm.json().path("id").asText();
    await().atMost(SETTLE).until(() -> "delivered".equals(node.statusOf(id)));
    JsonNode read = node.get("/v1/messages/" + id).json();
    assertThat(read.path("segments").asInt()).isEqualTo(2);
    assertThat(read.path("encoding").asText()).isEqualTo("GSM-7");
  }

  @Test
  void recipientEndingIn0001FailsPermanentlyAfterOneAttempt() {
    String id = node.sendSandbox("+447700900001", "doomed").json().path("id").asText();

    await().atMost(SETTLE).until(() -> "failed".equals(node.statusOf(id)));
    JsonNode read = node.get("/v1/messages/" + id).json();
    assertThat(statuses(read)).containsExactly("accepted", "sending", "failed");
    assertThat(read.path("error").path("code").asText()).isEqualTo("sandbox_rejected");
    assertThat(SandboxLedger.attempts(id)).isEqualTo(1);
  }

  @Test
  void recipientEndingIn0002IsRetriedTwiceThenDelivered() {
    String id = node.sendSandbox("+447700900002", "persistent").json().path("id").asText();

    await().atMost(SETTLE).until(() -> "delivered".equals(node.statusOf(id)));
    JsonNode read = node.get("/v1/messages/" + id).json();
    assertThat(statuses(read))
        .containsExactly(
            "accepted",
            "sending",
            "retrying",
            "sending",
            "retrying",
            "sending",
            "sent",
            "delivered");
    assertThat(read.path("attempts").asInt()).isEqualTo(3);
    assertThat(read.path("history").get(2).path("error").path("code").asText())
        .isEqualTo("sandbox_unavailable");
    assertThat(SandboxLedger.attempts(id)).isEqualTo(3);
  }

  @Test
  void sameIdempotencyKeyReturnsTheFirstMessageNotASecondOne() {
    String key = "order-" + UUID.randomUUID();
    String json = "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"once\"}";

    TestNode.Response first = node.post("/v1/messages", json, "Idempotency-Key", key);
    TestNode.Response second = node.post("/v1/messages", json, "Idempotency-Key", key);

    assertThat(first.status()).isEqualTo(202);
    assertThat(second.status()).isEqualTo(200);
    String id = first.json().path("id").asText();
    assertThat(second.json().path("id").asText()).isEqualTo(id);
    assertThat(second.json().path("createdAt")).isEqualTo(first.json().path("createdAt"));
    await().atMost(SETTLE).until(() -> "delivered".equals(node.statusOf(id)));
    TestNode.Response third = node.post("/v1/messages", json, "Idempotency-Key", key);
    assertThat(third.status()).isEqualTo(200);
    assertThat(third.json().path("id").asText()).isEqualTo(id);
    assertThat(SandboxLedger.attempts(id)).isEqualTo(1);
  }

  @Test
  void anotherAccountCannotSeeAMessage() {
    String id = node.sendSandbox("+447700900123", "private").json().path("id").asText();

    TestNode.Response asAcme =
        node.send(
            HttpRequest.newBuilder(node.uri("/v1/messages/" + id))
                .header("Authorization", "Bearer " + ACME_KEY)
                .GET()
                .build());

    assertThat(asAcme.status()).isEqualTo(404);
    assertThat(asAcme.json().path("error").path("code").asText()).isEqualTo("not_found");
    assertThat(node.get("/v1/messages/" + id).status()).isEqualTo(200);
  }

  @Test
  void sameIdempotencyKeyFromAnotherAccountIsAnotherMessage() {
    String key = "shared-" + UUID.randomUUID();
    String json = "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"mine\"}";

    TestNode.Response mine = node.post("/v1/messages", json, "Idempotency-Key", key);
    TestNode.Response theirs =
        node.post(
            "/v1/messages", json, "Idempotency-Key", key, "Authorization", "Bearer " + ACME_KEY);

    assertThat(mine.status()).isEqualTo(202);
    assertThat(theirs.status()).isEqualTo(202);
    assertThat(theirs.json().path("id").asText()).isNotEqualTo(mine.json().path("id").asText());
  }

  @Test
  void redeliveredJobIsAckedWithoutASecondSend() throws Exception {
    TestNode.Response sent = node.sendSandbox("+447700900123", "only once");
    String id = sent.json().path("id").asText();
    await().atMost(SETTLE).until(() -> "delivered".equals(node.statusOf(id)));
    double duplicatesBefore =
        node.metric("switchboard_delivery_duplicate_jobs_total", "channel=\"sandbox\"");
    byte[] job = jobOf(id);

    publishDirectly(job);

    await()
        .atMost(SETTLE)
        .until(
            () ->
                node.metric("switchboard_delivery_duplicate_jobs_total", "channel=\"sandbox\"")
                    > duplicatesBefore);
    assertThat(queueDepth()).isZero();
    assertThat(SandboxLedger.attempts(id)).isEqualTo(1);
    assertThat(node.statusOf(id)).isEqualTo("delivered");
  }

  @Test
  void undecodableMessageIsDeadLetteredAndTrafficFlows() throws Exception {
    double before = node.metric("switchboard_broker_dead_lettered_total", "channel=\"sandbox\"");

    publishDirectly("{not json".getBytes(StandardCharsets.UTF_8));
    String id = node.sendSandbox("+447700900123", "after poison").json().path("id").asText();

    await().atMost(SETTLE).until(() -> "delivered".equals(node.statusOf(id)));
    await()
        .atMost(SETTLE)
        .until(
            () ->
                node.metric("switchboard_broker_dead_lettered_total", "channel=\"sandbox\"")
                    > before);
    assertThat(deadLetterDepth()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void unknownOrMalformedIdsAreNotFound() {
    assertThat(node.get("/v1/messages/msg_00000000000000000000000000").status()).isEqualTo(404);
    TestNode.Response malformed = node.get("/v1/messages/not-an-id");
    assertThat(malformed.status()).isEqualTo(404);
    assertThat(malformed.json().path("error").path("code").asText()).isEqualTo("not_found");
  }

  @Test
  void metricsShowTheBrokerPerChannelAndSite() {
    String id = node.sendSandbox("+447700900123", "measured").json().path("id").asText();
    await().atMost(SETTLE).until(() -> "delivered".equals(node.statusOf(id)));

    assertThat(
            node.metric("switchboard_broker_confirm_latency_seconds_count", "channel=\"sandbox\""))
        .isPositive();
    assertThat(
            node.metric(
                "switchboard_broker_connection_up",
                "channel=\"sandbox\"",
                "role=\"consumer\"",
                "site=\"primary\""))
        .isEqualTo(1.0);
    assertThat(
            node.metric(
                "switchboard_broker_site_active", "channel=\"sandbox\"", "site=\"primary\""))
        .isEqualTo(1.0);
    assertThat(
            node.metric(
                "switchboard_messages_total", "channel=\"sandbox\"", "status=\"delivered\""))
        .isPositive();
    // Sampled every few seconds: exactly one consumer (ours) on the queue.
    await()
        .atMost(SETTLE)
        .until(
            () ->
                node.metric(
                        "switchboard_broker_queue_consumers",
                        "channel=\"sandbox\"",
                        "site=\"primary\"")
                    == 1.0);
  }

  @Test
  void readinessReportsEveryComponentUp() {
    TestNode.Response ready =
        node.send(HttpRequest.newBuilder(node.managementUri("/health/ready")).GET().build());

    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    JsonNode components = ready.json().path("components");
    assertThat(ready.json().path("status").asText()).isEqualTo("UP");
    assertThat(components.path("broker.sandbox").path("status").asText()).isEqualTo("UP");
    assertThat(components.path("broker.sandbox").path("node").asText()).isEqualTo("127.0.0.1:5672");
    assertThat(components.path("broker.sms").path("status").asText()).isEqualTo("UP");
    assertThat(components.path("journal").path("status").asText()).isEqualTo("UP");
    assertThat(components.path("cluster").path("status").asText()).isEqualTo("UP");
  }

  private static List<String> statuses(JsonNode message) {
    List<String> statuses = new ArrayList<>();
    message.path("history").forEach(step -> statuses.add(step.path("status").asText()));
    return statuses;
  }

  // The broker job of a delivered message, rebuilt from what the API shows of it.
  private byte[] jobOf(String id) {
    JsonNode read = node.get("/v1/messages/" + id).json();
    String job =
        "{\"id\":\""
            + id
            + "\",\"account\":\"default\",\"channel\":\"sandbox\",\"to\":\""
            + read.path("to").asText()
            + "\",\"text\":\"only once\",\"createdAt\":\""
            + read.path("createdAt").asText()
            + "\"}";
    return job.getBytes(StandardCharsets.UTF_8);
  }

  private void publishDirectly(byte[] body) throws Exception {
    try (Connection connection = connect();
        Channel channel = connection.createChannel()) {
      channel.confirmSelect();
      channel.basicPublish(
          Topology.OUTBOUND_EXCHANGE,
          "sandbox",
          new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
          body);
      channel.waitForConfirmsOrDie(5_000);
    }
  }

  private long queueDepth() throws Exception {
    return depth("switchboard.outbound.sandbox");
  }

  private long deadLetterDepth() throws Exception {
    return depth(Topology.DEAD_QUEUE);
  }

  private long depth(String queue) throws Exception {
    try (Connection connection = connect();
        Channel channel = connection.createChannel()) {
      return channel.queueDeclarePassive(queue).getMessageCount();
    }
  }

  private Connection connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(amqpUri);
    factory.setAutomaticRecoveryEnabled(false);
    factory.setConnectionTimeout(5_000);
    return factory.newConnection("test");
  }
}
