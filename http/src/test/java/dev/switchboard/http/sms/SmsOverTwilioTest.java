package dev.switchboard.http.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.engine.webhook.Receiver;
import dev.switchboard.http.testing.Resources;
import dev.switchboard.http.testing.Sent;
import dev.switchboard.http.testing.TestNode;
import dev.switchboard.http.testing.TrafficChecker;
import dev.switchboard.http.testing.TwilioRecord;
import dev.switchboard.testkit.twilio.AcceptedMessage;
import dev.switchboard.testkit.twilio.TwilioFailure;
import dev.switchboard.testkit.twilio.TwilioStub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * The {@code sms} channel over the Twilio provider for real: the API, RabbitMQ, the journal on
 * PostgreSQL, HTTP to a Twilio stub that checks every request as Twilio does, and the stub's status
 * callbacks and inbound SMS back to our endpoint, signed with the auth token over the public URL.
 * Each error class ends in the status, code and retry behaviour it should; the outages end with the
 * fault suite's checker, counting the messages Twilio created ({@link TwilioRecord}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmsOverTwilioTest {
  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "whsec-" + UUID.randomUUID();
  private static final String TOKEN = "twilio-token-" + UUID.randomUUID();
  private static final String FROM = "+15005550006";
  private static final String PROVIDER = "twilio";

  private TwilioStub stub;
  private Receiver receiver;
  private String amqpUri;
  private String publicUrl;
  private TestNode node;
  private TrafficChecker traffic;

  @BeforeAll
  void start() throws Exception {
    stub = TwilioStub.start(TwilioStub.newAccountSid(), TOKEN);
    receiver = Receiver.start(SECRET);
    amqpUri = SharedBroker.freshVhostUri("twilio");
    // Twilio signs the URL it calls: the node's public URL is its own, so the port is chosen first.
    int port = freePort();
    publicUrl = "http://127.0.0.1:" + port;
    node =
        TestNode.start(
            amqpUri,
            Map.ofEntries(
                Map.entry("switchboard.http.port", port),
                Map.entry("switchboard.http.public-url", publicUrl),
                Map.entry("switchboard.http.webhook-url", receiver.url()),
                Map.entry("switchboard.http.webhook-secret", SECRET),
                Map.entry("switchboard.webhooks.poll-interval", "100ms"),
                Map.entry(
                    "switchboard.engine.channels.sms.providers",
                    List.of(
                        Map.of(
                            "type",
                            "twilio",
                            "name",
                            PROVIDER,
                            "base-url",
                            stub.baseUrl(),
                            "account-sid",
                            stub.accountSid(),
                            "auth-token",
                            TOKEN,
                            "from",
                            FROM))),
                Map.entry("switchboard.engine.delivery.retry-backoff.min", "50ms"),
                Map.entry("switchboard.engine.delivery.retry-backoff.max", "200ms"),
                Map.entry("switchboard.engine.provider-runtime.restart-backoff.min", "100ms"),
                Map.entry("switchboard.engine.provider-runtime.restart-backoff.max", "500ms")));
    String vhost = SharedBroker.vhostOf(amqpUri);
    traffic =
        new TrafficChecker(
            node,
            "SmsOverTwilioTest",
            TwilioRecord.of(stub),
            () -> SharedBroker.queueCounts(vhost));
    awaitProvider("UP");
  }

  @AfterAll
  void stop() throws Exception {
    try {
      Resources.closeAll(traffic, node, stub, receiver);
    } finally {
      SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
    }
  }

  @BeforeEach
  void reset() {
    stub.reset();
  }

  @Test
  void aMessageIsPostedToTwilioAndDeliveredByItsSignedStatusCallback() {
    String id = send("+447700900201", "Hello from Twilio 👋");

    awaitStatus(id, "delivered");
    AcceptedMessage m = only(stub.acceptedFor("+447700900201"));
    assertThat(m.from()).isEqualTo(FROM);
    assertThat(m.body()).isEqualTo("Hello from Twilio 👋");
    assertThat(m.statusCallback()).isEqualTo(publicUrl + "/v1/channels/sms/twilio/status");
    JsonNode read = node.get("/v1/messages/" + id).json();
    assertThat(statuses(read)).containsExactly("accepted", "sending", "sent", "delivered");
    assertThat(step(read, "sent").path("providerMessageId").asText()).isEqualTo(m.sid());
    assertThat(stub.callbacks())
        .filteredOn(c -> c.sid().equals(m.sid()))
        .extracting(TwilioStub.Callback::status, TwilioStub.Callback::answered)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("sent", 200),
            org.assertj.core.groups.Tuple.tuple("delivered", 200));
  }

  @Test
  void anUndeliveredStatusFailsTheMessageWithTwiliosErrorCode() {
    stub.autoStatus("undelivered", "30003");

    String id = send("+447700900202", "nobody home");

    awaitStatus(id, "failed");
    JsonNode read = node.get("/v1/messages/" + id).json();
    assertThat(read.path("error").path("code").asText()).isEqualTo("twilio_30003");
    assertThat(statuses(read)).containsExactly("accepted", "sending", "sent", "failed");
  }

  @Test
  void anUnsubscribedRecipientFailsAtOnceAsOptedOutAndIsNotTriedAgain() {
    // Opt-outs outlive the run in the shared database: a recipient of this run's own.
    String to =
        String.format(
            "+44770%07d", java.util.concurrent.ThreadLocalRandom.current().nextInt(10_000_000));
    stub.failRecipient(to, TwilioFailure.unsubscribed());

    String id = send(to, "after STOP");

    awaitStatus(id, "failed");
    JsonNode read = node.get("/v1/messages/" + id).json();
    assertThat(read.path("error").path("code").asText()).isEqualTo("recipient_opted_out");
    assertThat(read.path("error").path("message").asText()).contains("21610");
    assertThat(read.path("attempts").asInt()).isEqualTo(1);
    assertThat(stub.acceptedFor(to)).isEmpty();
    long sends = sends(stub);

    // Twilio's word is recorded as an opt-out: the next send fails without reaching Twilio.
    String next = send(to, "after STOP, again");
    awaitStatus(next, "failed");
    assertThat(node.get("/v1/messages/" + next).json().path("error").path("code").asText())
        .isEqualTo("recipient_opted_out");
    assertThat(sends(stub)).isEqualTo(sends);
  }

  private static long sends(TwilioStub stub) {
    return stub.requests().stream().filter(r -> r.method().equals("POST")).count();
  }

  @Test
  void anInvalidRecipientFailsPermanentlyWithoutARetry() {
    stub.failRecipient("+447700900204", TwilioFailure.invalidTo("+447700900204"));

    String id = send("+447700900204", "no such number");

    awaitStatus(id, "failed");
    JsonNode read = node.get("/v1/messages/" + id).json();
    assertThat(read.path("error").path("code").asText()).isEqualTo("twilio_21211");
    assertThat(read.path("attempts").asInt()).isEqualTo(1);
    assertThat(statuses(read)).doesNotContain("retrying");
    assertThat(stub.requests()).filteredOn(r -> Integer.valueOf(21211).equals(r.code())).hasSize(1);
  }

  @Test
  void tooManyRequestsPausesAndSendsAgainWithoutSpendingAnAttempt() {
    double throttledBefore = throttled();
    stub.failRecipient("+447700900205", TwilioFailure.tooManyRequests());
    String id = send("+447700900205", "throttled first");
    await("refused twice")
        .atMost(SETTLE)
        .until(
            () ->
                stub.requests().stream()
                        .filter(r -> Integer.valueOf(20429).equals(r.code()))
                        .count()
                    >= 2);

    stub.reset();

    awaitStatus(id, "delivered");
    JsonNode read = node.get("/v1/messages/" + id).json();
    assertThat(read.path("attempts").asInt()).isEqualTo(1);
    assertThat(statuses(read)).doesNotContain("retrying");
    assertThat(stub.acceptedFor("+447700900205")).hasSize(1);
    assertThat(throttled()).isGreaterThanOrEqualTo(throttledBefore + 2);
  }

  @Test
  void aServerErrorIsRetriedAndThenDelivered() {
    stub.failNext(1, TwilioFailure.serverError());

    String id = send("+447700900206", "after a 500");

    awaitStatus(id, "delivered");
    JsonNode read = node.get("/v1/messages/" + id).json();
    assertThat(read.path("attempts").asInt()).isEqualTo(2);
    assertThat(step(read, "retrying").path("error").path("code").asText())
        .isEqualTo("twilio_20500");
    assertThat(stub.acceptedFor("+447700900206")).hasSize(1);
  }

  @Test
  void rejectedCredentialsShowTheProviderDownAndItsMessagesWaitUntilTheTokenIsRightAgain() {
    String rotated = "rotated-" + UUID.randomUUID();
    stub.changeAuthToken(rotated);

    Sent sent = sendSms("+447700900207", "credentials");
    awaitProvider("DOWN");

    JsonNode provider = node.component("provider." + PROVIDER);
    assertThat(provider.path("lastError").asText()).contains("20003");
    assertThat(provider.path("peer").asText()).isEqualTo("127.0.0.1:" + stub.port());
    String health = node.management("/health/ready").body();
    assertThat(health).doesNotContain(TOKEN).doesNotContain(rotated);
    assertThat(node.statusOf(sent.id())).isIn("sending", "retrying");

    stub.changeAuthToken(TOKEN);

    traffic.awaitSettled(List.of(sent), "credentials rejected", SETTLE).assertInvariants();
    JsonNode read = node.get("/v1/messages/" + sent.id()).json();
    assertThat(step(read, "retrying").path("error").path("code").asText())
        .isEqualTo("twilio_20003");
    assertThat(read.toString()).doesNotContain(TOKEN).doesNotContain(rotated);
  }

  @Test
  void anUnreachableApiLeavesTheJobsInTheBrokerAndTheyAreDeliveredWhenItIsBack() throws Exception {
    stub.refuseConnections();
    List<Sent> sends = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sends.add(sendSms("+44770090030" + i, "unreachable"));
    }
    awaitProvider("DOWN");
    assertThat(node.component("provider." + PROVIDER).path("lastError").asText())
        .contains("127.0.0.1:" + stub.port());

    stub.acceptConnections();

    traffic.awaitSettled(sends, "Twilio unreachable", SETTLE).assertInvariants();
  }

  @Test
  void anInboundSmsReachesTheAccountsReceiverAndTwilioGetsAnEmptyTwimlResponse() throws Exception {
    String text = "Hi from a phone " + UUID.randomUUID();

    TwilioStub.Answer answer = stub.postInbound(inboundUrl(), "+447700900777", FROM, text);

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.contentType()).contains("xml");
    assertThat(answer.body()).contains("<Response/>");
    Receiver.Call call =
        await("inbound event")
            .atMost(SETTLE)
            .until(
                () ->
                    receiver.delivered().stream()
                        .filter(c -> c.body().contains(text))
                        .findFirst()
                        .orElse(null),
                c -> c != null);
    assertThat(call.signatureValid()).isTrue();
    JsonNode data = JSON.readTree(call.body()).path("data");
    assertThat(data.path("from").asText()).isEqualTo("+447700900777");
    assertThat(data.path("to").asText()).isEqualTo(FROM);
    assertThat(data.path("channel").asText()).isEqualTo("sms");
    assertThat(data.path("provider").asText()).isEqualTo(PROVIDER);
  }

  @Test
  void forgedUnsignedOrIncompleteCallsAreRefusedAndPublishNothing() {
    double reportedBefore = reported();
    double unauthorizedBefore = webhookRequests("unauthorized");

    TwilioStub.Answer forged =
        stub.postInbound(
            inboundUrl(),
            TwilioStub.newMessageSid(),
            "+447700900888",
            FROM,
            "forged",
            TwilioStub.Signing.WRONG_TOKEN);
    TwilioStub.Answer unsigned =
        stub.postInbound(
            inboundUrl(),
            TwilioStub.newMessageSid(),
            "+447700900888",
            FROM,
            "unsigned",
            TwilioStub.Signing.NONE);
    Map<String, String> noSid = new LinkedHashMap<>();
    noSid.put("MessageStatus", "delivered");
    TwilioStub.Answer incomplete =
        stub.post(publicUrl + "/v1/channels/sms/twilio/status", noSid, TwilioStub.Signing.VALID);

    assertThat(forged.status()).isEqualTo(401);
    assertThat(unsigned.status()).isEqualTo(401);
    assertThat(incomplete.status()).isEqualTo(400);
    assertThat(forged.body()).contains("\"code\":\"unauthorized\"").doesNotContain("forged");
    assertThat(incomplete.body()).contains("\"code\":\"invalid_request\"");
    assertThat(webhookRequests("unauthorized")).isGreaterThanOrEqualTo(unauthorizedBefore + 2);
    assertThat(reported()).isEqualTo(reportedBefore);
    assertThat(receiver.calls()).noneMatch(c -> c.body().contains("+447700900888"));
  }

  private String inboundUrl() {
    return publicUrl + "/v1/channels/sms/twilio/inbound";
  }

  private Sent sendSms(String to, String label) {
    Sent sent = traffic.send("sms", to, label, null);
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    return sent;
  }

  private String send(String to, String text) {
    TestNode.Response sent =
        node.post(
            "/v1/messages",
            "{\"channel\":\"sms\",\"to\":\"" + to + "\",\"text\":\"" + text + "\"}");
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    return sent.json().path("id").asText();
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
        .pollInterval(Duration.ofMillis(50))
        .until(() -> state.equals(node.component("provider." + PROVIDER).path("state").asText()));
  }

  private double throttled() {
    return node.metric("switchboard_provider_throttled_total", "provider=\"" + PROVIDER + "\"");
  }

  private double reported() {
    return node.metric("switchboard_provider_reported_total", "provider=\"" + PROVIDER + "\"");
  }

  private double webhookRequests(String outcome) {
    return node.metric(
        "switchboard_provider_webhook_requests_total",
        "provider=\"" + PROVIDER + "\"",
        "outcome=\"" + outcome + "\"");
  }

  private static AcceptedMessage only(List<AcceptedMessage> messages) {
    assertThat(messages).hasSize(1);
    return messages.get(0);
  }

  private static JsonNode step(JsonNode read, String status) {
    return StreamSupport.stream(read.path("history").spliterator(), false)
        .filter(s -> s.path("status").asText().equals(status))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + status + " step in " + read));
  }

  private static List<String> statuses(JsonNode read) {
    return StreamSupport.stream(read.path("history").spliterator(), false)
        .map(s -> s.path("status").asText())
        .toList();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
