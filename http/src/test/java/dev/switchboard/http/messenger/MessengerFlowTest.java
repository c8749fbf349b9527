package dev.switchboard.http.messenger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.engine.webhook.Receiver;
import dev.switchboard.http.testing.MessengerRecord;
import dev.switchboard.http.testing.Resources;
import dev.switchboard.http.testing.Sent;
import dev.switchboard.http.testing.TestNode;
import dev.switchboard.http.testing.TrafficChecker;
import dev.switchboard.testkit.messenger.AcceptedMessage;
import dev.switchboard.testkit.messenger.GraphFailure;
import dev.switchboard.testkit.messenger.MessengerStub;
import dev.switchboard.testkit.messenger.StubRequest;
import dev.switchboard.testkit.messenger.WebhookCall;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * The {@code messenger} channel for real: the API, RabbitMQ, the embedded journal, the Messenger
 * provider calling the Send API of a {@link MessengerStub} over HTTP, and the stub calling our
 * webhook as Meta does (signed deliveries, reads, people's messages, the handshake). Each error
 * class ends in the status, code and retry behaviour PROVIDERS.md gives it; traffic through
 * failures ends with the fault suite's checker, counting what the stub took.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessengerFlowTest {
  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "EAAflow" + UUID.randomUUID().toString().replace("-", "");
  private static final String APP_SECRET = "appsecret-" + UUID.randomUUID();
  private static final String VERIFY_TOKEN = "verify-" + UUID.randomUUID();
  private static final String WEBHOOK_SECRET = "whsec-" + UUID.randomUUID();
  // The receipt index outlives this run in the shared database: an instance name of its own.
  private static final String PROVIDER = "fb-" + UUID.randomUUID().toString().substring(0, 8);

  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Level logLevel;
  private MessengerStub stub;
  private Receiver receiver;
  private String amqpUri;
  private TestNode node;
  private TrafficChecker traffic;

  @BeforeAll
  void start() throws Exception {
    // Every line Switchboard logs, debug included, is searched for the secrets.
    Logger switchboard = (Logger) LoggerFactory.getLogger("dev.switchboard");
    logLevel = switchboard.getLevel();
    switchboard.setLevel(Level.DEBUG);
    logs.start();
    switchboard.addAppender(logs);
    stub = MessengerStub.start(TOKEN, APP_SECRET);
    receiver = Receiver.start(WEBHOOK_SECRET);
    amqpUri = SharedBroker.freshVhostUri("messenger");
    // The embedded journal: the webhook outbox of a shared PostgreSQL is also read by the nodes of
    // other test runs, which would sign this run's events with their own secrets.
    node =
        TestNode.startEmbedded(
            amqpUri,
            Files.createTempDirectory("messenger-flow"),
            Map.ofEntries(
                Map.entry("switchboard.http.webhook-url", receiver.url()),
                Map.entry("switchboard.http.webhook-secret", WEBHOOK_SECRET),
                Map.entry("switchboard.webhooks.poll-interval", "100ms"),
                Map.entry(
                    "switchboard.engine.channels.messenger.providers",
                    List.of(
                        Map.of(
                            "type",
                            "messenger",
                            "name",
                            PROVIDER,
                            "base-url",
                            stub.baseUrl(),
                            "page-token",
                            TOKEN,
                            "app-secret",
                            APP_SECRET,
                            "verify-token",
                            VERIFY_TOKEN,
                            "rate-limit-pause",
                            "300ms",
                            "restricted-pause",
                            "2s"))),
                Map.entry("switchboard.engine.delivery.retry-backoff.min", "50ms"),
                Map.entry("switchboard.engine.delivery.retry-backoff.max", "500ms"),
                Map.entry("switchboard.engine.provider-runtime.restart-backoff.min", "100ms"),
                Map.entry("switchboard.engine.provider-runtime.restart-backoff.max", "500ms")));
    stub.webhook(node.uri("/v1/channels/messenger/webhook"));
    String vhost = SharedBroker.vhostOf(amqpUri);
    traffic =
        new TrafficChecker(
            node,
            "MessengerFlowTest",
            MessengerRecord.of(stub),
            () -> SharedBroker.queueCounts(vhost));
    awaitProvider("UP");
  }

  @AfterAll
  void stop() throws Exception {
    try {
      Resources.closeAll(traffic, node, stub, receiver);
    } finally {
      SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
      Logger switchboard = (Logger) LoggerFactory.getLogger("dev.switchboard");
      switchboard.detachAppender(logs);
      switchboard.setLevel(logLevel);
    }
  }

  @BeforeEach
  void reset() {
    stub.restoreToken();
    stub.autoReceipts(MessengerStub.Receipts.DELIVERY, Duration.ZERO);
  }

  @Test
  void aMessageReachesTheSendApiAsDocumentedAndItsDeliveryEventMakesItDelivered() {
    String psid = psid();
    String id = send(psid, "Hello \"there\" 👋", null);

    awaitStatus(id, "delivered");
    AcceptedMessage taken = onlyTakenFor(psid);
    assertThat(taken.body())
        .isEqualTo(
            "{\"recipient\":{\"id\":\""
                + psid
                + "\"},\"messaging_type\":\"RESPONSE\",\"message\":{\"text\":\"Hello \\\"there\\\""
                + " 👋\"}}");
    StubRequest request =
        stub.requests().stream().filter(r -> r.body().equals(taken.body())).findFirst().get();
    assertThat(request.headers().get("authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(request.query()).isNull();
    JsonNode read = node.get("/v1/messages/" + id).json();
    assertThat(statuses(read)).containsExactly("accepted", "sending", "sent", "delivered");
    assertThat(step(read, "sent").path("providerMessageId").asText()).isEqualTo(taken.mid());
  }

  @Test
  void aReadEventMakesTheMessageReadAndItsCallbackHearsIt() throws Exception {
    String psid = psid();
    String id = send(psid, "read me", receiver.url());
    awaitStatus(id, "delivered");

    WebhookCall read = stub.postRead(psid, System.currentTimeMillis() + 1000);

    assertThat(read.status()).isEqualTo(200);
    awaitStatus(id, "read");
    JsonNode message = node.get("/v1/messages/" + id).json();
    assertThat(statuses(message))
        .containsExactly("accepted", "sending", "sent", "delivered", "read");
    assertThat(message.path("terminal").asBoolean()).isTrue();
    Receiver.Call event =
        await("read event").atMost(SETTLE).until(() -> statusEvent(id, "read"), c -> c != null);
    assertThat(event.signatureValid()).isTrue();
    assertThat(JSON.readTree(event.body()).path("data").path("status").asText()).isEqualTo("read");
  }

  @Test
  void aPersonsMessageReachesTheAccountsReceiverOnceThoughMetaSendsItTwice() throws Exception {
    String psid = psid();
    String mid = "m_" + UUID.randomUUID();
    String text = "hi from a person " + UUID.randomUUID();

    WebhookCall first = stub.postMessage(psid, mid, text, MessengerStub.Signing.GOOD);
    WebhookCall again = stub.postMessage(psid, mid, text, MessengerStub.Signing.GOOD);
    String later = "and later " + UUID.randomUUID();
    stub.postMessage(psid, later, MessengerStub.Signing.GOOD);

    assertThat(first.status()).isEqualTo(200);
    assertThat(again.status()).isEqualTo(200);
    // Messages from one person are handled in order: once the later one is out, so are both.
    await("inbound events")
        .atMost(SETTLE)
        .until(() -> inboundEvents(later).size() == 1 && webhooksPending() == 0);
    List<Receiver.Call> events = inboundEvents(text);
    assertThat(events).hasSize(1);
    JsonNode data = JSON.readTree(events.get(0).body()).path("data");
    assertThat(data.path("channel").asText()).isEqualTo("messenger");
    assertThat(data.path("from").asText()).isEqualTo(psid);
    assertThat(data.path("to").asText()).isEqualTo(stub.pageId());
    assertThat(data.path("provider").asText()).isEqualTo(PROVIDER);
    assertThat(data.path("id").asText()).startsWith("in_");
    assertThat(events.get(0).signatureValid()).isTrue();
  }

  @Test
  void echoesOfThePagesOwnMessagesAreIgnored() {
    double before = reported();

    WebhookCall echo = stub.postEcho(psid(), "m_" + UUID.randomUUID(), "we said this");

    // The endpoint answers only once what it reported is durable: nothing was.
    assertThat(echo.status()).isEqualTo(200);
    assertThat(reported()).isEqualTo(before);
  }

  @Test
  void badlySignedUnsignedOrForeignEventsAreRefusedAndPublishNothing() throws Exception {
    double before = reported();
    double unauthorized = requests("unauthorized");

    WebhookCall forged = stub.postMessage(psid(), "forged", MessengerStub.Signing.BAD);
    WebhookCall unsigned = stub.postMessage(psid(), "unsigned", MessengerStub.Signing.NONE);
    WebhookCall foreign =
        stub.postRaw("{\"object\":\"instagram\",\"entry\":[]}", MessengerStub.Signing.GOOD);

    assertThat(forged.status()).isEqualTo(401);
    assertThat(unsigned.status()).isEqualTo(401);
    assertThat(JSON.readTree(forged.body()).path("error").path("code").asText())
        .isEqualTo("unauthorized");
    assertThat(foreign.status()).isEqualTo(400);
    assertThat(JSON.readTree(foreign.body()).path("error").path("code").asText())
        .isEqualTo("invalid_request");
    assertThat(requests("unauthorized")).isEqualTo(unauthorized + 2);
    assertThat(reported()).isEqualTo(before);
  }

  @Test
  void theSubscriptionHandshakeAnswersTheChallengeForTheVerifyTokenOnly() {
    MessengerStub.Handshake right = stub.verifySubscription(VERIFY_TOKEN);
    MessengerStub.Handshake wrong = stub.verifySubscription("not-" + VERIFY_TOKEN);

    assertThat(right.verified()).as(right.toString()).isTrue();
    assertThat(wrong.status()).isEqualTo(403);
  }

  @Test
  void outsideThe24HourWindowTheMessageFailsWithItsCodeAndIsNotRetried() {
    String psid = psid();
    stub.failNext(1, GraphFailure.outsideWindow());

    String id = send(psid, "too late", null);

    awaitStatus(id, "failed");
    JsonNode read = node.get("/v1/messages/" + id).json();
    assertThat(read.path("error").path("code").asText()).isEqualTo("messenger_outside_window");
    assertThat(read.path("error").path("message").asText()).contains("10/2018278");
    assertThat(read.path("attempts").asInt()).isEqualTo(1);
    assertThat(callsFor(psid)).isEqualTo(1);
  }

  @Test
  void anUnknownOrUnavailablePersonFailsWithMetasCodeAndSubcode() {
    String nobody = psid();
    String away = psid();
    stub.failNext(1, GraphFailure.noMatchingUser());
    String first = send(nobody, "anyone?", null);
    awaitStatus(first, "failed");
    stub.failNext(1, GraphFailure.userUnavailable());
    String second = send(away, "there?", null);
    awaitStatus(second, "failed");

    assertThat(node.get("/v1/messages/" + first).json().path("error").path("code").asText())
        .isEqualTo("messenger_100_2018001");
    assertThat(node.get("/v1/messages/" + second).json().path("error").path("code").asText())
        .isEqualTo("messenger_551_1545041");
    assertThat(callsFor(nobody)).isEqualTo(1);
    assertThat(callsFor(away)).isEqualTo(1);
  }

  @Test
  void aTemporaryFailureIsRetriedAndTheMessageDelivered() {
    String psid = psid();
    stub.failNext(1, GraphFailure.temporary());

    String id = send(psid, "try again", null);

    awaitStatus(id, "delivered");
    JsonNode read = node.get("/v1/messages/" + id).json();
    assertThat(read.path("attempts").asInt()).isEqualTo(2);
    assertThat(step(read, "retrying").path("error").path("code").asText())
        .isEqualTo("messenger_1200");
    assertThat(callsFor(psid)).isEqualTo(2);
  }

  @Test
  void aRateLimitThrottlesTheInstanceAndTheSameAttemptIsDeliveredAfterThePause() {
    String psid = psid();
    double throttled = throttled();
    stub.failNext(1, GraphFailure.rateLimit());

    String id = send(psid, "slow down", null);

    awaitStatus(id, "delivered");
    assertThat(node.get("/v1/messages/" + id).json().path("attempts").asInt()).isEqualTo(1);
    assertThat(throttled()).isEqualTo(throttled + 1);
    assertThat(callsFor(psid)).isEqualTo(2);
  }

  @Test
  void aRestrictedPagePausesTheInstanceSaysSoInHealthAndSendsAfterThePause() {
    String psid = psid();
    stub.failNext(1, GraphFailure.pageRestricted());

    String id = send(psid, "restricted", null);

    await("instance paused")
        .atMost(SETTLE)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                "messenger_10_1893063".equals(provider().path("throttledBy").asText())
                    || "delivered".equals(node.statusOf(id)));
    awaitStatus(id, "delivered");
    assertThat(node.get("/v1/messages/" + id).json().path("attempts").asInt()).isEqualTo(1);
    assertThat(callsFor(psid)).isEqualTo(2);
  }

  @Test
  void aRefusedTokenTakesTheProviderDownAndTheMessageWaitsUntilTheTokenWorksAgain() {
    String psid = psid();
    stub.revokeToken();

    String id = send(psid, "token trouble", null);

    awaitProvider("DOWN");
    JsonNode health = provider();
    assertThat(health.path("lastError").asText()).contains("messenger_190").doesNotContain(TOKEN);
    assertThat(node.management("/health/ready").body()).doesNotContain(TOKEN);
    await("the attempt recorded")
        .atMost(SETTLE)
        .until(() -> node.get("/v1/messages/" + id).json().path("attempts").asInt() >= 1);
    JsonNode waiting = node.get("/v1/messages/" + id).json();
    assertThat(waiting.path("status").asText()).isIn("retrying", "accepted");
    assertThat(waiting.path("error").path("code").asText()).isEqualTo("messenger_190");
    assertThat(stub.accepted()).noneMatch(m -> m.recipient().equals(psid));

    stub.restoreToken();

    awaitProvider("UP");
    awaitStatus(id, "delivered");
    assertThat(onlyTakenFor(psid).text()).isEqualTo("token trouble");
    assertThat(node.get("/v1/messages/" + id).json().path("attempts").asInt()).isEqualTo(2);
    // Neither the token nor the secrets in any log line so far, this refusal's included.
    List<String> lines = logged();
    assertThat(lines).anyMatch(line -> line.contains("messenger token refused"));
    assertThat(lines)
        .allSatisfy(line -> assertThat(line).doesNotContain(TOKEN, APP_SECRET, VERIFY_TOKEN));
    assertThat(node.get("/v1/messages/" + id).body()).doesNotContain(TOKEN);
  }

  private List<String> logged() {
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent event : List.copyOf(logs.list)) {
      lines.add(event.getFormattedMessage());
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        lines.add(t.getClassName() + ": " + t.getMessage());
      }
    }
    return lines;
  }

  @Test
  void trafficThroughTemporaryFailuresAndRateLimitsEndsDeliveredOnceEach() {
    stub.failNext(2, GraphFailure.temporary());
    stub.failNext(2, GraphFailure.rateLimit());
    List<String> people = List.of(psid(), psid(), psid(), psid());
    List<Sent> sends = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Sent sent = traffic.send("messenger", people.get(i % people.size()), "traffic", null);
      assertThat(sent.status()).as(sent.body()).isEqualTo(202);
      sends.add(sent);
    }

    traffic.awaitSettled(sends, "messenger traffic", SETTLE).assertInvariants();
  }

  private static String psid() {
    return String.valueOf(
        ThreadLocalRandom.current().nextLong(1_000_000_000_000_000L, 9_000_000_000_000_000L));
  }

  private String send(String to, String text, String callbackUrl) {
    ObjectNodeBuilder body =
        new ObjectNodeBuilder().put("channel", "messenger").put("to", to).put("text", text);
    if (callbackUrl != null) {
      body.put("callbackUrl", callbackUrl);
    }
    TestNode.Response sent = node.post("/v1/messages", body.json());
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    return sent.json().path("id").asText();
  }

  /** A JSON object of strings, escaped by Jackson. */
  private static final class ObjectNodeBuilder {
    private final com.fasterxml.jackson.databind.node.ObjectNode node = JSON.createObjectNode();

    ObjectNodeBuilder put(String name, String value) {
      node.put(name, value);
      return this;
    }

    String json() {
      return node.toString();
    }
  }

  private AcceptedMessage onlyTakenFor(String psid) {
    List<AcceptedMessage> taken =
        stub.accepted().stream().filter(m -> m.recipient().equals(psid)).toList();
    assertThat(taken).hasSize(1);
    return taken.get(0);
  }

  /** Send API calls for a person, taken or refused. */
  private long callsFor(String psid) {
    return stub.requests().stream()
        .filter(r -> r.path().endsWith("/me/messages") && r.body().contains("\"" + psid + "\""))
        .count();
  }

  private List<Receiver.Call> inboundEvents(String text) {
    return receiver.delivered().stream()
        .filter(c -> c.body().contains("\"type\":\"message.inbound\"") && c.body().contains(text))
        .toList();
  }

  private Receiver.Call statusEvent(String id, String status) {
    return receiver.delivered().stream()
        .filter(c -> c.body().contains("\"type\":\"message.status\""))
        .filter(c -> c.body().contains(id) && c.body().contains("\"status\":\"" + status + "\""))
        .findFirst()
        .orElse(null);
  }

  private long webhooksPending() {
    return node.component("webhooks").path("pending").asLong(-1);
  }

  private JsonNode provider() {
    return node.component("provider." + PROVIDER);
  }

  private void awaitStatus(String id, String status) {
    await(id + " " + status)
        .atMost(SETTLE)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> status.equals(node.statusOf(id)));
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

  private double requests(String outcome) {
    return node.metric(
        "switchboard_provider_webhook_requests_total",
        "provider=\"" + PROVIDER + "\"",
        "outcome=\"" + outcome + "\"");
  }

  private double throttled() {
    return node.metric("switchboard_provider_throttled_total", "provider=\"" + PROVIDER + "\"");
  }

  private static List<String> statuses(JsonNode read) {
    return StreamSupport.stream(read.path("history").spliterator(), false)
        .map(step -> step.path("status").asText())
        .toList();
  }

  private static JsonNode step(JsonNode read, String status) {
    return StreamSupport.stream(read.path("history").spliterator(), false)
        .filter(s -> s.path("status").asText().equals(status))
        .findFirst()
        .orElseThrow();
  }
}
