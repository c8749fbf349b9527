package dev.switchboard.http.twitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.engine.webhook.Receiver;
import dev.switchboard.http.testing.Resources;
import dev.switchboard.http.testing.Sent;
import dev.switchboard.http.testing.TestNode;
import dev.switchboard.http.testing.TrafficChecker;
import dev.switchboard.http.testing.XRecord;
import dev.switchboard.testkit.x.XStub;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@code twitter} channel for real: the API, RabbitMQ, the journal on PostgreSQL, the X
 * provider over HTTP to the X stub (tokens, limits and errors as X has them), and X calling the
 * webhook with signed DM events. X sends no delivery receipts: a DM that X took ends {@code sent}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class XDirectMessageTest {
  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final String SECRET = "whsec-" + UUID.randomUUID();
  // The token store outlives this run in the shared database: a name of its own per run.
  private static final String PROVIDER = "x-" + UUID.randomUUID().toString().substring(0, 8);
  private static final String US = XStub.Options.defaults().userId();

  private XStub x;
  private XStub.Tokens configured;
  private Receiver receiver;
  private String amqpUri;
  private TestNode node;
  private TrafficChecker traffic;
  private int recipients;

  @BeforeAll
  void start() throws Exception {
    x = XStub.start(XStub.Options.defaults().withRateLimit(10_000, Duration.ofMinutes(15)));
    configured = x.issueTokens();
    receiver = Receiver.start(SECRET);
    amqpUri = SharedBroker.freshVhostUri("x");
    node =
        TestNode.start(
            amqpUri,
            Map.of(
                "switchboard.http.webhook-url",
                receiver.url(),
                "switchboard.http.webhook-secret",
                SECRET,
                "switchboard.webhooks.poll-interval",
                "100ms",
                "switchboard.engine.channels.twitter.providers",
                List.of(
                    Map.of(
                        "type", "twitter",
                        "name", PROVIDER,
                        "base-url", x.baseUrl(),
                        "client-id", x.options().clientId(),
                        "access-token", configured.accessToken(),
                        "refresh-token", configured.refreshToken(),
                        "consumer-secret", x.options().consumerSecret(),
                        "rate-limit-margin", "200ms")),
                "switchboard.engine.provider-runtime.restart-backoff.min",
                "100ms",
                "switchboard.engine.provider-runtime.restart-backoff.max",
                "1s"));
    String vhost = SharedBroker.vhostOf(amqpUri);
    traffic =
        new TrafficChecker(
            node, "XDirectMessageTest", new XRecord(x), () -> SharedBroker.queueCounts(vhost));
    awaitProvider("UP");
  }

  @AfterAll
  void stop() throws Exception {
    try {
      Resources.closeAll(traffic, node, x, receiver);
    } finally {
      SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
    }
  }

  @BeforeEach
  void reset() {
    x.usageCap(null, null);
    x.failTokenRequests(null);
  }

  @Test
  void aDmIsSentAsTheUserAndXsEventIdIsItsProviderMessageId() {
    String to = recipient();

    String id = send(to, "Hello from Switchboard");

    awaitStatus(id, "sent");
    XStub.Dm dm = dmTo(to);
    assertThat(dm.text()).isEqualTo("Hello from Switchboard");
    JsonNode read = node.get("/v1/messages/" + id).json();
    assertThat(statuses(read)).containsExactly("accepted", "sending", "sent");
    assertThat(read.path("history").path(2).path("providerMessageId").asText())
        .isEqualTo(dm.dmEventId());
  }

  @Test
  void anInboundDmReachesTheAccountsWebhookOnceAndOurOwnDmsAreLeftOut() {
    String them = recipient();
    String text = "hi from " + them;
    URI webhook = node.uri("/v1/channels/twitter/webhook");
    // X's event ids are unique for good; the webhook outbox in the shared database remembers
    // earlier runs' events by them.
    String event = XStub.dmEvent(US, eventId(), them, US, text);

    assertThat(x.deliver(webhook, event).status()).isEqualTo(200);
    // X delivers it again, and echoes a DM we sent; then the same sender writes once more.
    assertThat(x.deliver(webhook, event).status()).isEqualTo(200);
    assertThat(x.deliver(webhook, XStub.dmEvent(US, eventId(), US, them, "ours")).status())
        .isEqualTo(200);
    assertThat(x.deliver(webhook, XStub.activityDm(US, eventId(), them, "later via XAA")).status())
        .isEqualTo(200);

    // One sender's inbound messages are handled in order: once the last is there, the repeat
    // and the echo have been handled too.
    await("the last DM forwarded")
        .atMost(SETTLE)
        .until(() -> forwarded("later via XAA").size() == 1);
    assertThat(forwarded(text)).hasSize(1);
    Receiver.Call call = forwarded(text).get(0);
    assertThat(call.signatureValid()).isTrue();
    assertThat(call.body())
        .contains(
            "\"type\":\"message.inbound\"",
            "\"channel\":\"twitter\"",
            "\"from\":\"" + them + "\"",
            "\"to\":\"" + US + "\"",
            "\"provider\":\"" + PROVIDER + "\"");
    assertThat(forwarded("ours")).isEmpty();
  }

  @Test
  void theCrcIsAnsweredAsXChecksItAndUnsignedOrBadlySignedEventsPublishNothing() {
    URI webhook = node.uri("/v1/channels/twitter/webhook");
    String event = XStub.dmEvent(US, eventId(), "3001969357", US, "forged");
    double reportedBefore = reported();

    XStub.CrcResult crc = x.crc(webhook, UUID.randomUUID().toString());
    TestNode.Response noToken =
        node.send(java.net.http.HttpRequest.newBuilder(webhook).GET().build());
    XStub.Answer unsigned = x.deliver(webhook, event, null);
    XStub.Answer forged =
        x.deliver(webhook, event, XStub.sign("not-the-consumer-secret", event.getBytes()));

    assertThat(crc.valid()).as(crc.answer().body()).isTrue();
    assertThat(noToken.status()).isEqualTo(400);
    assertThat(noToken.json().path("error").path("code").asText()).isEqualTo("invalid_request");
    for (XStub.Answer refused : List.of(unsigned, forged)) {
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.json().path("error").path("code").asText()).isEqualTo("unauthorized");
    }
    assertThat(reported()).isEqualTo(reportedBefore);
    assertThat(
            node.metric(
                "switchboard_provider_webhook_requests_total",
                "provider=\"" + PROVIDER + "\"",
                "outcome=\"unauthorized\""))
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void aDmTheRecipientRefusesFailsWithItsCodeAndAServerErrorIsRetried() {
    x.failNext(
        1,
        XStub.Failure.problem(
            403,
            "about:blank",
            "Forbidden",
            "You are not permitted to send a message to this user."));
    String refused = send(recipient(), "refused");
    awaitStatus(refused, "failed");
    x.failNext(2, XStub.Failure.serverError(503));
    String to = recipient();
    String retried = send(to, "retried");
    awaitStatus(retried, "sent");

    JsonNode failed = node.get("/v1/messages/" + refused).json();
    assertThat(failed.path("error").path("code").asText()).isEqualTo("twitter_403");
    assertThat(failed.path("error").path("message").asText()).contains("not permitted");
    assertThat(failed.path("attempts").asInt()).isEqualTo(1);
    JsonNode sent = node.get("/v1/messages/" + retried).json();
    assertThat(sent.path("attempts").asInt()).isEqualTo(3);
    assertThat(errorCodes(sent)).containsExactly("twitter_503", "twitter_503");
    assertThat(x.accepted().stream().filter(dm -> dm.participantId().equals(to))).hasSize(1);
  }

  @Test
  void aRateLimitedSendWaitsUntilXsResetTimeAndIsThenDelivered() {
    Instant reset = Instant.now().plusSeconds(2);
    x.rateWindow(0, reset);
    String to = recipient();

    String id = send(to, "after the reset");

    await("throttled by X's 429")
        .atMost(SETTLE)
        .until(() -> "twitter_429".equals(provider().path("throttledBy").asText()));
    awaitStatus(id, "sent");
    assertThat(dmTo(to).at()).isAfterOrEqualTo(reset);
    JsonNode read = node.get("/v1/messages/" + id).json();
    assertThat(read.path("attempts").asInt()).isEqualTo(1);
  }

  @Test
  void aUsageCapPausesTheChannelSaysSoInHealthAndItsMessagesWaitInsteadOfFailing() {
    Instant until = Instant.now().plusSeconds(4);
    x.usageCap("Monthly", until);
    String to = recipient();

    String id = send(to, "after the cap");

    await("usage cap in health")
        .atMost(SETTLE)
        .until(() -> "twitter_usage_capped".equals(provider().path("throttledBy").asText()));
    JsonNode capped = provider();
    assertThat(capped.path("throttled").asBoolean()).isTrue();
    assertThat(Instant.parse(capped.path("throttledUntil").asText())).isAfter(Instant.now());
    assertThat(node.statusOf(id)).isNotEqualTo("failed");
    awaitStatus(id, "sent");
    assertThat(dmTo(to).at()).isAfterOrEqualTo(until);
    assertThat(node.get("/v1/messages/" + id).json().path("attempts").asInt()).isEqualTo(1);
  }

  @Test
  void anExpiredTokenIsRenewedAndStoredAndTheRotatedRefreshTokenIsUsedNextTime() throws Exception {
    int before = x.refreshesUsed().size();
    String held = x.refreshToken();
    x.expireAccessTokens();
    awaitStatus(send(recipient(), "after a renewal"), "sent");
    String rotated = x.refreshToken();
    x.expireAccessTokens();
    awaitStatus(send(recipient(), "after another"), "sent");

    assertThat(x.refreshesUsed()).hasSize(before + 2).endsWith(held, rotated);
    assertThat(rotated).isNotEqualTo(held);
    assertThat(storedVersion()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aRefusedRenewalShowsTheProviderDownWithWhyAndMessagesWaitUntilXTakesItAgain() {
    x.failTokenRequests(
        XStub.Failure.oauth(400, "invalid_request", "Value passed for the token was invalid."));
    x.expireAccessTokens();
    String to = recipient();

    String id = send(to, "waits for a token");

    awaitProvider("DOWN");
    JsonNode down = provider();
    assertThat(down.path("lastError").asText())
        .contains("X refused to renew the access token (HTTP 400 invalid_request)")
        .doesNotContain(configured.accessToken(), configured.refreshToken(), x.refreshToken());
    assertThat(node.statusOf(id)).isNotEqualTo("failed");
    assertThat(node.component("provider." + PROVIDER).toString()).doesNotContain(x.refreshToken());

    x.failTokenRequests(null);
    awaitProvider("UP");
    awaitStatus(id, "sent");
    assertThat(errorCodes(node.get("/v1/messages/" + id).json())).contains("twitter_401");
    assertThat(x.accepted().stream().filter(dm -> dm.participantId().equals(to))).hasSize(1);
  }

  @Test
  void aBurstThroughARenewalServerErrorsAndASpentWindowIsSentOnceEach() {
    x.expireAccessTokens();
    x.failNext(2, XStub.Failure.serverError(502));
    x.rateWindow(6, Instant.now().plusSeconds(2));
    List<Sent> sends = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Sent s = traffic.send("twitter", recipient(), "burst", null);
      assertThat(s.status()).as(s.body()).isEqualTo(202);
      sends.add(s);
    }

    traffic.awaitSettled(sends, "x burst", SETTLE).assertInvariants();
  }

  private String recipient() {
    return String.valueOf(3_001_969_000L + ++recipients);
  }

  private static String eventId() {
    return String.valueOf(
        1_000_000_000_000_000_000L + (UUID.randomUUID().getMostSignificantBits() >>> 4));
  }

  private String send(String to, String text) {
    TestNode.Response r =
        node.post(
            "/v1/messages",
            "{\"channel\":\"twitter\",\"to\":\"" + to + "\",\"text\":\"" + text + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    return r.json().path("id").asText();
  }

  private XStub.Dm dmTo(String to) {
    List<XStub.Dm> dms = x.accepted().stream().filter(dm -> dm.participantId().equals(to)).toList();
    assertThat(dms).hasSize(1);
    return dms.get(0);
  }

  private List<Receiver.Call> forwarded(String text) {
    return receiver.delivered().stream()
        .filter(c -> c.body().contains("\"text\":\"" + text + "\""))
        .toList();
  }

  private void awaitStatus(String id, String status) {
    await(id + " " + status)
        .atMost(SETTLE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> status.equals(node.statusOf(id)));
  }

  private JsonNode provider() {
    return node.component("provider." + PROVIDER);
  }

  private void awaitProvider(String state) {
    await("provider " + state)
        .atMost(SETTLE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> state.equals(provider().path("state").asText()));
  }

  private double reported() {
    return node.metric("switchboard_provider_reported_total", "provider=\"" + PROVIDER + "\"");
  }

  private static List<String> statuses(JsonNode read) {
    return StreamSupport.stream(read.path("history").spliterator(), false)
        .map(step -> step.path("status").asText())
        .toList();
  }

  private static List<String> errorCodes(JsonNode read) {
    return StreamSupport.stream(read.path("history").spliterator(), false)
        .filter(step -> step.path("error").has("code"))
        .map(step -> step.path("error").path("code").asText())
        .toList();
  }

  private static long storedVersion() throws Exception {
    try (Connection c =
            DriverManager.getConnection(TestNode.POSTGRES_URL, TestNode.POSTGRES_USER, "");
        PreparedStatement st =
            c.prepareStatement(
                "SELECT version FROM switchboard_provider_state WHERE provider = ?")) {
      st.setString(1, PROVIDER);
      try (ResultSet rows = st.executeQuery()) {
        return rows.next() ? rows.getLong(1) : 0;
      }
    }
  }
}
