package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.engine.webhook.Receiver;
import dev.switchboard.http.testing.Resources;
import dev.switchboard.http.testing.SignedHookProvider;
import dev.switchboard.http.testing.TestNode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Provider endpoints under {@code /v1/channels/{channel}/...}: reached without an API key, their
 * signature checked by the provider, what they carry made durable and passed on, every refusal
 * counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderEndpointTest {
  private static final String SECRET = "hook-secret-" + UUID.randomUUID();
  private static final String WEBHOOK_SECRET = "whsec-" + UUID.randomUUID();
  private static final String PROVIDER = "hook-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String PUBLIC_URL = "https://sb.example.com/";

  private Receiver receiver;
  private String amqpUri;
  private TestNode node;

  @BeforeAll
  void start() throws Exception {
    receiver = Receiver.start(WEBHOOK_SECRET);
    amqpUri = SharedBroker.freshVhostUri("endpoints");
    node =
        TestNode.start(
            amqpUri,
            Map.of(
                "switchboard.http.public-url",
                PUBLIC_URL,
                "switchboard.http.webhook-url",
                receiver.url(),
                "switchboard.http.webhook-secret",
                WEBHOOK_SECRET,
                "switchboard.webhooks.poll-interval",
                "100ms",
                "switchboard.engine.channels.messenger.providers",
                List.of(Map.of("type", "signed-hook", "name", PROVIDER, "secret", SECRET))));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      Resources.closeAll(node, receiver);
    } finally {
      SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
    }
  }

  @Test
  void aSignedCallNeedsNoApiKeyAndItsInboundMessageReachesTheAccountsReceiver() {
    String text = "hello " + UUID.randomUUID();

    TestNode.Response answer = call("from=psid-1&text=" + text.replace(' ', '+'), true);

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    Receiver.Call call =
        await("inbound event")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    receiver.delivered().stream()
                        .filter(c -> c.body().contains(text))
                        .findFirst()
                        .orElse(null),
                c -> c != null);
    assertThat(call.body()).contains("\"type\":\"message.inbound\"", "\"channel\":\"messenger\"");
    assertThat(call.body()).contains("\"provider\":\"" + PROVIDER + "\"");
    assertThat(call.signatureValid()).isTrue();
  }

  @Test
  void aBadlySignedCallIsRefusedWithOurErrorBodyCountedAndNothingIsReported() {
    double reportedBefore = reported();

    TestNode.Response forged = call("from=psid-2&text=forged", false);
    TestNode.Response signedButIncomplete = call("from=psid-2", true);

    assertThat(forged.status()).isEqualTo(401);
    assertThat(forged.json().path("error").path("code").asText()).isEqualTo("unauthorized");
    assertThat(signedButIncomplete.status()).isEqualTo(400);
    assertThat(signedButIncomplete.json().path("error").path("code").asText())
        .isEqualTo("invalid_request");
    assertThat(requests("unauthorized")).isGreaterThanOrEqualTo(1);
    assertThat(requests("invalid_request")).isGreaterThanOrEqualTo(1);
    assertThat(reported()).isEqualTo(reportedBefore);
  }

  @Test
  void theUrlAnEndpointSeesIsThePublicUrlWithThePathAndQueryAsCalled() {
    TestNode.Response echo =
        node.send(
            HttpRequest.newBuilder(node.uri("/v1/channels/messenger/hook/echo?b=2&a=1")).build());

    assertThat(echo.status()).isEqualTo(200);
    assertThat(echo.body())
        .isEqualTo("https://sb.example.com/v1/channels/messenger/hook/echo?b=2&a=1");
  }

  @Test
  void aPathNoProviderTakesIsNotFoundAndTheRestOfTheApiStillWantsAKey() {
    for (String path :
        List.of(
            "/v1/channels/messenger/nope", "/v1/channels/fax/hook", "/v1/channels/sandbox/hook")) {
      TestNode.Response r = node.send(HttpRequest.newBuilder(node.uri(path)).build());
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.json().path("error").path("code").asText()).isEqualTo("not_found");
    }
    TestNode.Response unauthenticated =
        node.send(HttpRequest.newBuilder(node.uri("/v1/messages/msg_1")).build());
    assertThat(unauthenticated.status()).isEqualTo(401);
  }

  private TestNode.Response call(String form, boolean signed) {
    byte[] body = form.getBytes(StandardCharsets.UTF_8);
    String signature = signed ? SignedHookProvider.sign(SECRET, body) : "0".repeat(64);
    return node.send(
        HttpRequest.newBuilder(node.uri("/v1/channels/messenger/hook"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("x-test-signature", signature)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build());
  }

  private double requests(String outcome) {
    return node.metric(
        "switchboard_provider_webhook_requests_total",
        "provider=\"" + PROVIDER + "\"",
        "outcome=\"" + outcome + "\"");
  }

  private double reported() {
    return node.metric("switchboard_provider_reported_total", "provider=\"" + PROVIDER + "\"");
  }
}
