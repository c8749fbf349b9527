package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.switchboard.channels.sandbox.SandboxLedger;
import dev.switchboard.engine.broker.MessageCodec;
import dev.switchboard.engine.broker.Topology;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.testing.PostgresSchema;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.engine.webhook.Receiver;
import dev.switchboard.http.auth.ApiKeys;
import dev.switchboard.http.testing.OptOutReportingProviderFactory;
import dev.switchboard.http.testing.Resources;
import dev.switchboard.http.testing.TestNode;
import dev.switchboard.testkit.smsc.SmscSimulator;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Opt-outs end to end on one node, its journal in a PostgreSQL schema of its own: a STOP texted
 * through the SMSC simulator (and START after it), or an inbound message on the sandbox channel's
 * inbound queue, opts its sender out of the account's messages on that channel; a send to them is
 * accepted (202) and fails at once with {@code recipient_opted_out}, reaching no provider; a
 * provider that reports an opt-out has it recorded; {@code GET /v1/opt-outs} lists them per
 * account, newest first, by cursor.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OptOutTest {
  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final String SECRET = "whsec-" + UUID.randomUUID();
  private static final String ACME_KEY = "acme-" + UUID.randomUUID();
  private static final String SMSC = "smsc-optouts";

  private PostgresSchema schema;
  private SmscSimulator smsc;
  private Receiver receiver;
  private String amqpUri;
  private TestNode node;

  @BeforeAll
  void start() throws Exception {
    schema = PostgresSchema.create("optout_flow");
    smsc =
        SmscSimulator.start(
            SmscSimulator.Options.defaults()
                .withCredentials("switchboard", "s3cretpw")
                .withReceiptIdsDecimal(true));
    receiver = Receiver.start(SECRET);
    amqpUri = SharedBroker.freshVhostUri("optouts");
    node =
        TestNode.start(
            amqpUri,
            Map.of(
                "switchboard.db.url",
                schema.url(),
                "switchboard.http.webhook-url",
                receiver.url(),
                "switchboard.http.webhook-secret",
                SECRET,
                "switchboard.webhooks.poll-interval",
                "100ms",
                "switchboard.http.accounts",
                List.of(
                    Map.of(
                        "id", "acme",
                        "key-sha256", ApiKeys.sha256(ACME_KEY),
                        "webhook-secret", "s-acme")),
                "switchboard.engine.channels.sms.providers",
                List.of(
                    Map.of(
                        "type",
                        "smpp",
                        "name",
                        SMSC,
                        "uri",
                        "smpp://switchboard:s3cretpw@127.0.0.1:"
                            + smsc.port()
                            + "?source=Switchboard")),
                "switchboard.engine.channels.messenger.provider",
                "opt-out-reporting"));
    await("the SMSC bound")
        .atMost(SETTLE)
        .until(() -> "UP".equals(node.component("provider." + SMSC).path("status").asText()));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      Resources.closeAll(node, smsc, receiver);
    } finally {
      SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
      schema.close();
    }
  }

  @Test
  void aStopTextedInOptsTheSenderOutOfSmsAndAStartBackIn() {
    String phone = "+447700900501";

    assertThat(smsc.sendMo(phone, "Switchboard", " Stop ")).isEqualTo(1);

    JsonNode entry = awaitListed(node.apiKey(), "sms", phone);
    assertThat(entry.path("source").asText()).isEqualTo("keyword");
    assertThat(entry.path("provider").asText()).isEqualTo(SMSC);
    assertThat(entry.path("detail").asText()).isEqualTo("STOP");
    assertThat(entry.path("createdAt").asText()).isNotEmpty();
    // The customer still hears of it.
    await("the STOP's inbound event")
        .atMost(SETTLE)
        .until(
            () ->
                receiver.delivered().stream()
                    .anyMatch(
                        c ->
                            c.body().contains("\"type\":\"message.inbound\"")
                                && c.body().contains(phone)
                                && c.body().contains(" Stop ")));

    String refused = send(node.apiKey(), "sms", phone, null);
    JsonNode failed = awaitStatus(node.apiKey(), refused, "failed");
    assertThat(failed.path("error").path("code").asText()).isEqualTo("recipient_opted_out");
    assertThat(smsc.submitted()).noneMatch(sm -> sm.destAddr().equals(phone.substring(1)));

    assertThat(smsc.sendMo(phone, "Switchboard", "START")).isEqualTo(1);
    await("opted back in").atMost(SETTLE).until(() -> listed(node.apiKey(), "sms", phone) == null);

    String sent = send(node.apiKey(), "sms", phone, null);
    awaitStatus(node.apiKey(), sent, "delivered");
    assertThat(smsc.submitted())
        .filteredOn(sm -> sm.destAddr().equals(phone.substring(1)))
        .hasSize(1);
  }

  @Test
  void aSendToAnOptedOutRecipientIsAcceptedAndFailsWithoutReachingTheProvider() throws Exception {
    String recipient = "optout-sb-" + UUID.randomUUID().toString().substring(0, 8);
    publishInbound("default", "sandbox", recipient, "STOP", Instant.now());
    awaitListed(node.apiKey(), "sandbox", recipient);

    String id = send(node.apiKey(), "sandbox", recipient, receiver.url());

    JsonNode failed = awaitStatus(node.apiKey(), id, "failed");
    assertThat(failed.path("error").path("code").asText()).isEqualTo("recipient_opted_out");
    assertThat(SandboxLedger.attempts(id)).as("attempts that reached the sandbox").isZero();
    await("the failed status event")
        .atMost(SETTLE)
        .until(
            () ->
                receiver.delivered().stream()
                    .anyMatch(
                        c ->
                            c.body().contains(id)
                                && c.body().contains("\"status\":\"failed\"")
                                && c.body().contains("recipient_opted_out")));

    publishInbound("default", "sandbox", recipient, "unstop", Instant.now());
    await("opted back in")
        .atMost(SETTLE)
        .until(() -> listed(node.apiKey(), "sandbox", recipient) == null);
    String again = send(node.apiKey(), "sandbox", recipient, null);
    awaitStatus(node.apiKey(), again, "delivered");
    assertThat(SandboxLedger.attempts(again)).isEqualTo(1);
  }

  @Test
  void aProviderThatReportsAnOptOutHasItRecordedAndIsNotAskedAgain() {
    String user = "1" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 100_000) + "21610";

    String first = send(node.apiKey(), "messenger", user, null);
    JsonNode failed = awaitStatus(node.apiKey(), first, "failed");
    assertThat(failed.path("error").path("code").asText()).isEqualTo("recipient_opted_out");
    assertThat(failed.path("error").path("message").asText()).contains("21610");

    JsonNode entry = awaitListed(node.apiKey(), "messenger", user);
    assertThat(entry.path("source").asText()).isEqualTo("provider");
    assertThat(entry.path("provider").asText()).isEqualTo("messenger.opt-out-reporting");
    assertThat(entry.path("detail").asText()).contains("21610");

    String second = send(node.apiKey(), "messenger", user, null);
    JsonNode refused = awaitStatus(node.apiKey(), second, "failed");
    assertThat(refused.path("error").path("code").asText()).isEqualTo("recipient_opted_out");
    assertThat(OptOutReportingProviderFactory.sendsTo(user)).isEqualTo(1);
  }

  @Test
  void theListIsTheAccountsOwnNewestFirstPagedByCursor() throws Exception {
    Instant t = Instant.parse("2026-05-01T12:00:00Z");
    String tag = UUID.randomUUID().toString().substring(0, 8);
    List<String> sandbox = List.of("acme-a-" + tag, "acme-b-" + tag, "acme-c-" + tag);
    for (int i = 0; i < sandbox.size(); i++) {
      publishInbound("acme", "sandbox", sandbox.get(i), "UNSUBSCRIBE", t.plusSeconds(i));
    }
    String phone = "+447700900601";
    publishInbound("acme", "sms", phone, "quit", t.plusSeconds(10));
    await("acme's four opt-outs").atMost(SETTLE).until(() -> all(ACME_KEY, "").size() == 4);

    JsonNode first = get(ACME_KEY, "/v1/opt-outs?limit=2").json();
    JsonNode second =
        get(
                ACME_KEY,
                "/v1/opt-outs?limit=2&cursor="
                    + URLEncoder.encode(first.path("nextCursor").asText(), StandardCharsets.UTF_8))
            .json();

    assertThat(recipients(first)).containsExactly(phone, sandbox.get(2));
    assertThat(recipients(second)).containsExactly(sandbox.get(1), sandbox.get(0));
    assertThat(second.path("nextCursor").isNull()).isTrue();
    JsonNode newest = first.path("data").get(0);
    assertThat(newest.path("channel").asText()).isEqualTo("sms");
    assertThat(newest.path("source").asText()).isEqualTo("keyword");
    assertThat(newest.path("detail").asText()).isEqualTo("QUIT");
    assertThat(newest.path("createdAt").asText()).isEqualTo(t.plusSeconds(10).toString());
    assertThat(recipients(get(ACME_KEY, "/v1/opt-outs?channel=sandbox").json()))
        .containsExactly(sandbox.get(2), sandbox.get(1), sandbox.get(0));
    // Another account sees none of them, and may still send to those recipients.
    assertThat(all(node.apiKey(), "")).doesNotContainAnyElementsOf(sandbox).doesNotContain(phone);
    String theirs = send(node.apiKey(), "sandbox", sandbox.get(0), null);
    awaitStatus(node.apiKey(), theirs, "delivered");
  }

  @Test
  void badParametersAre400WithTheirFieldAndNoKeyIs401() {
    for (String query :
        List.of(
            "limit=0",
            "limit=101",
            "limit=abc",
            "cursor=%21%21",
            "cursor=bm9wZQ",
            "channel=fax",
            "channel=")) {
      TestNode.Response bad = node.get("/v1/opt-outs?" + query);
      assertThat(bad.status()).as(query + ": " + bad.body()).isEqualTo(400);
      assertThat(bad.json().path("error").path("code").asText()).isEqualTo("invalid_request");
      assertThat(bad.json().path("error").path("field").asText())
          .isEqualTo(query.substring(0, query.indexOf('=')));
    }
    TestNode.Response anonymous =
        node.send(HttpRequest.newBuilder(node.uri("/v1/opt-outs")).GET().build());
    assertThat(anonymous.status()).isEqualTo(401);
    TestNode.Response posted = node.post("/v1/opt-outs", "{}");
    assertThat(posted.status()).isEqualTo(405);
    TestNode.Response ok = node.get("/v1/opt-outs");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().has("data")).isTrue();
    assertThat(ok.json().has("nextCursor")).isTrue();
  }

  // A 503 (the journal slow on a busy machine) is retried with the same Idempotency-Key, as a
  // client would: never a second message, and the first one's answer (200) if it was taken.
  private String send(String key, String channel, String to, String callbackUrl) {
    String idempotencyKey = UUID.randomUUID().toString();
    TestNode.Response sent =
        await("send to " + to)
            .atMost(SETTLE)
            .until(
                () -> post(key, idempotencyKey, channel, to, callbackUrl), r -> r.status() != 503);
    assertThat(sent.status()).as(sent.body()).isIn(200, 202);
    if (sent.status() == 202) {
      assertThat(sent.json().path("status").asText()).isEqualTo("accepted");
    }
    return sent.json().path("id").asText();
  }

  private TestNode.Response post(
      String key, String idempotencyKey, String channel, String to, String callbackUrl) {
    return node.send(
        HttpRequest.newBuilder(node.uri("/v1/messages"))
            .header("Authorization", "Bearer " + key)
            .header("Idempotency-Key", idempotencyKey)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"channel\":\""
                        + channel
                        + "\",\"to\":\""
                        + to
                        + "\",\"text\":\"hello\""
                        + (callbackUrl == null ? "" : ",\"callbackUrl\":\"" + callbackUrl + "\"")
                        + "}"))
            .build());
  }

  private JsonNode awaitStatus(String key, String id, String status) {
    return await(id + " " + status)
        .atMost(SETTLE)
        .until(
            () -> get(key, "/v1/messages/" + id).json(),
            read -> status.equals(read.path("status").asText()));
  }

  private TestNode.Response get(String key, String path) {
    return node.send(
        HttpRequest.newBuilder(node.uri(path))
            .header("Authorization", "Bearer " + key)
            .GET()
            .build());
  }

  private JsonNode awaitListed(String key, String channel, String recipient) {
    return await(recipient + " listed on " + channel)
        .atMost(SETTLE)
        .until(() -> listed(key, channel, recipient), entry -> entry != null);
  }

  // The recipient's entry in the account's list of the channel, or null.
  private JsonNode listed(String key, String channel, String recipient) {
    for (JsonNode item :
        get(key, "/v1/opt-outs?limit=100&channel=" + channel).json().path("data")) {
      if (item.path("recipient").asText().equals(recipient)) {
        return item;
      }
    }
    return null;
  }

  // Every recipient in the account's list, page after page.
  private List<String> all(String key, String query) {
    List<String> all = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          get(
                  key,
                  "/v1/opt-outs?limit=100"
                      + query
                      + (cursor == null
                          ? ""
                          : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)))
              .json();
      all.addAll(recipients(page));
      cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
    } while (cursor != null);
    return all;
  }

  private static List<String> recipients(JsonNode page) {
    List<String> recipients = new ArrayList<>();
    page.path("data").forEach(item -> recipients.add(item.path("recipient").asText()));
    return recipients;
  }

  // A message from a user as a provider of the channel hands it to the engine: on the channel's
  // inbound queue, where the engine's inbound work takes it.
  private void publishInbound(
      String account, String channel, String from, String text, Instant receivedAt)
      throws Exception {
    InboundMessage message =
        new InboundMessage(
            "in_" + UUID.randomUUID(),
            account,
            channel,
            channel + "-test",
            from,
            "Switchboard",
            text,
            receivedAt);
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(amqpUri);
    factory.setAutomaticRecoveryEnabled(false);
    factory.setConnectionTimeout(5_000);
    try (Connection connection = factory.newConnection("optout-test");
        Channel ch = connection.createChannel()) {
      ch.confirmSelect();
      ch.basicPublish(
          Topology.Flow.INBOUND.exchange(),
          new Topology(channel, 20).routingKey(),
          new AMQP.BasicProperties.Builder()
              .deliveryMode(2)
              .contentType(MessageCodec.CONTENT_TYPE)
              .build(),
          MessageCodec.INBOUND.encode(message));
      ch.waitForConfirmsOrDie(5_000);
    }
  }
}
