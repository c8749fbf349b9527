package dev.switchboard.http.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.engine.broker.Topology;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.engine.webhook.Receiver;
import dev.switchboard.http.testing.Resources;
import dev.switchboard.http.testing.Sent;
import dev.switchboard.http.testing.SmscRecord;
import dev.switchboard.http.testing.TestNode;
import dev.switchboard.http.testing.TrafficChecker;
import dev.switchboard.testkit.smsc.SmscSimulator;
import dev.switchboard.testkit.smsc.SubmittedMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
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
 * The {@code sms} channel for real: the API, RabbitMQ, the journal on PostgreSQL, the SMPP provider
 * bound over TCP to an SMSC simulator that acknowledges and receipts every message; what reaches
 * the SMSC is checked byte by byte, and receipts come back through the receipts queue. Each failure
 * class ends with the fault suite's checker, counting what the SMSC accepted ({@link SmscRecord}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmsOverSmppTest {
  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final int WINDOW = 4;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "whsec-" + UUID.randomUUID();
  // The receipt index outlives this run in the shared database: a name of its own keeps the
  // simulator's ids, which start again at each run, from meeting an earlier run's.
  private static final String PROVIDER = "smsc-" + UUID.randomUUID().toString().substring(0, 8);

  private SmscSimulator smsc;
  private Receiver receiver;
  private String amqpUri;
  private TestNode node;
  private TrafficChecker traffic;

  @BeforeAll
  void start() throws Exception {
    smsc =
        SmscSimulator.start(
            SmscSimulator.Options.defaults()
                .withCredentials("switchboard", "s3cretpw")
                .withReceiptIdsDecimal(true));
    receiver = Receiver.start(SECRET);
    amqpUri = SharedBroker.freshVhostUri("smpp");
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
                "switchboard.webhooks.backoff.min",
                "100ms",
                "switchboard.webhooks.backoff.max",
                "300ms",
                "switchboard.engine.channels.sms.providers",
                List.of(
                    Map.of(
                        "type",
                        "smpp",
                        "name",
                        PROVIDER,
                        "uri",
                        "smpp://switchboard:s3cretpw@127.0.0.1:"
                            + smsc.port()
                            + "?source=Switchboard&window="
                            + WINDOW
                            + "&tps=200")),
                "switchboard.engine.provider-runtime.restart-backoff.min",
                "100ms",
                "switchboard.engine.provider-runtime.restart-backoff.max",
                "500ms"));
    String vhost = SharedBroker.vhostOf(amqpUri);
    traffic =
        new TrafficChecker(
            node, "SmsOverSmppTest", SmscRecord.of(smsc), () -> SharedBroker.queueCounts(vhost));
    awaitProvider("UP");
  }

  @AfterAll
  void stop() throws Exception {
    try {
      Resources.closeAll(traffic, node, smsc, receiver);
    } finally {
      SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
    }
  }

  @BeforeEach
  void reset() {
    smsc.autoReceipts("DELIVRD");
    smsc.receiptBeforeResponse(false);
    smsc.refuseBinds(0);
    smsc.releaseResponses(false);
    smsc.clearSubmitted();
  }

  @Test
  void gsm7WithExtensionCharactersReachesTheSmscAsUnpackedSeptetsAndIsDelivered() {
    String id = send("+447700900123", "Cost: 5€ [ok]");

    awaitStatus(id, "delivered");
    SubmittedMessage sm = onlySubmitFor("447700900123");
    assertThat(sm.dataCoding()).isEqualTo((byte) 0x00);
    assertThat(sm.udhi()).isFalse();
    assertThat(sm.destAddrTon()).isEqualTo((byte) 1);
    // 'C','o','s','t',':',' ','5', ESC 0x65 (€), ' ', ESC 0x3C ([), 'o','k', ESC 0x3E (])
    assertThat(HexFormat.of().formatHex(sm.shortMessage()))
        .isEqualTo("436f73743a20351b65201b3c6f6b1b3e");
    JsonNode read = node.get("/v1/messages/" + id).json();
    assertThat(read.path("encoding").asText()).isEqualTo("GSM-7");
    assertThat(read.path("segments").asInt()).isEqualTo(1);
    assertThat(statuses(read)).containsExactly("accepted", "sending", "sent", "delivered");
  }

  @Test
  void ucs2WithAnEmojiAndTwoSegmentsWithAValidUdhAreDeliveredOnceEveryPartIs() {
    String text = "Привет 👋 " + "ж".repeat(70);
    String id = send("+447700900124", text);

    awaitStatus(id, "delivered");
    List<SubmittedMessage> parts = submitsFor("447700900124");
    assertThat(parts).hasSize(2);
    byte[] first = parts.get(0).shortMessage();
    byte[] second = parts.get(1).shortMessage();
    assertThat(parts).allSatisfy(p -> assertThat(p.dataCoding()).isEqualTo((byte) 0x08));
    assertThat(parts).allSatisfy(p -> assertThat(p.udhi()).isTrue());
    // 05 00 03 ref total seq: the same reference, 2 parts, numbered 1 and 2.
    assertThat(new byte[] {first[0], first[1], first[2], first[4], first[5]})
        .containsExactly(0x05, 0x00, 0x03, 0x02, 0x01);
    assertThat(new byte[] {second[0], second[1], second[2], second[4], second[5]})
        .containsExactly(0x05, 0x00, 0x03, 0x02, 0x02);
    assertThat(second[3]).isEqualTo(first[3]);
    String rebuilt =
        new String(first, 6, first.length - 6, StandardCharsets.UTF_16BE)
            + new String(second, 6, second.length - 6, StandardCharsets.UTF_16BE);
    assertThat(rebuilt).isEqualTo(text);
    JsonNode read = node.get("/v1/messages/" + id).json();
    assertThat(read.path("encoding").asText()).isEqualTo("UCS-2");
    assertThat(read.path("segments").asInt()).isEqualTo(2);
  }

  @Test
  void aReceiptThatBeatsTheSubmitResponseStillDeliversTheMessage() {
    smsc.receiptBeforeResponse(true);

    Sent sent = sendSms("+447700900125", "early-receipt");

    traffic.awaitSettled(List.of(sent), "receipt before response", SETTLE).assertInvariants();
    assertThat(node.get("/v1/messages/" + sent.id()).json().path("attempts").asInt()).isEqualTo(1);
  }

  @Test
  void anUndeliverableReceiptFailsTheMessageWithTheSmscError() {
    smsc.autoReceipts("UNDELIV");

    String id = send("+447700900126", "nobody home");

    awaitStatus(id, "failed");
    JsonNode read = node.get("/v1/messages/" + id).json();
    assertThat(read.path("error").path("code").asText()).containsIgnoringCase("undeliv");
  }

  @Test
  void throttlingSlowsTheBindWithoutSpendingAttempts() {
    smsc.throttleNext(3);

    List<Sent> sends = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sends.add(sendSms("+44770090013" + i, "throttled"));
    }

    traffic.awaitSettled(sends, "throttling", SETTLE).assertInvariants();
    for (Sent s : sends) {
      assertThat(node.get("/v1/messages/" + s.id()).json().path("attempts").asInt()).isEqualTo(1);
    }
    assertThat(node.metric("switchboard_provider_throttled_total", "provider=\"" + PROVIDER + "\""))
        .isGreaterThanOrEqualTo(3);
  }

  @Test
  void anSmscOutageLeavesTheJobsInTheBrokerAndTheyAreDeliveredWhenItReturns() {
    smsc.refuseBinds(0x0D);
    smsc.dropConnections();
    awaitProvider("DOWN");

    List<Sent> sends = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sends.add(sendSms("+44770090014" + i, "during-the-outage"));
    }
    List<String> ids = sends.stream().map(Sent::id).toList();
    String vhost = SharedBroker.vhostOf(amqpUri);
    String queue = new Topology("sms", 20).queue();
    await("jobs waiting in the broker")
        .atMost(SETTLE)
        // Ready, or held unacked by the paused consumer: either way in the broker, not failed.
        .until(() -> SharedBroker.queueCounts(vhost, queue).inFlight() == ids.size());
    for (String id : ids) {
      JsonNode read = node.get("/v1/messages/" + id).json();
      assertThat(read.path("status").asText()).isEqualTo("accepted");
      assertThat(read.path("attempts").asInt()).isZero();
    }
    JsonNode provider =
        node.management("/health/ready").json().path("components").path("provider." + PROVIDER);
    assertThat(provider.path("lastError").asText()).isNotEmpty().doesNotContain("s3cretpw");

    smsc.refuseBinds(0);

    traffic.awaitSettled(sends, "SMSC outage", SETTLE).assertInvariants();
    for (String id : ids) {
      assertThat(node.get("/v1/messages/" + id).json().path("attempts").asInt()).isEqualTo(1);
    }
    assertThat(node.management("/health/ready").body()).doesNotContain("s3cretpw");
  }

  @Test
  void submitResponsesOutOfOrderStillMatchTheirMessages() {
    smsc.holdResponses();
    List<Sent> sends = new ArrayList<>();
    for (int i = 0; i < WINDOW; i++) {
      sends.add(sendSms("+44770090016" + i, "out-of-order"));
    }
    await("a full window held").atMost(SETTLE).until(() -> smsc.heldResponses() == WINDOW);

    assertThat(smsc.releaseResponses(true)).isEqualTo(WINDOW);

    traffic.awaitSettled(sends, "responses out of order", SETTLE).assertInvariants();
    for (int i = 0; i < WINDOW; i++) {
      String id = sends.get(i).id();
      String providerId =
          sentStep(node.get("/v1/messages/" + id).json()).path("providerMessageId").asText();
      assertThat(providerId).isEqualTo(onlySubmitFor("44770090016" + i).messageId());
    }
  }

  @Test
  void aConnectionDroppedWithAFullWindowLosesNothingAndResendsOnlyWhatWasInFlight() {
    smsc.holdResponses();
    List<Sent> sends = new ArrayList<>();
    for (int i = 0; i < 2 * WINDOW; i++) {
      sends.add(sendSms("+44770090017" + i, "dropped-window"));
    }
    await("a full window held").atMost(SETTLE).until(() -> smsc.heldResponses() == WINDOW);

    smsc.dropConnections();
    smsc.releaseResponses(false);

    // The window's outcomes were unknown: those messages may reach the SMSC twice, no more; the
    // others were never handed to the old bind and reach it once.
    traffic
        .awaitSettled(sends, "connection dropped with a full window", SETTLE)
        .assertInvariants(WINDOW, 1);
  }

  @Test
  void aMobileOriginatedMessageInPartsReachesTheAccountsReceiverSignedAfterItFailedTwice()
      throws Exception {
    receiver.failNext(2);
    String text = "Hello from a phone in two parts: " + "la ".repeat(60);

    assertThat(smsc.sendMo("+447700900777", "Switchboard", text)).isEqualTo(2);

    Receiver.Call call =
        await("inbound event")
            .atMost(SETTLE)
            .until(() -> deliveredEvent("message.inbound", "447700900777"), c -> c != null);
    assertThat(call.signatureValid()).isTrue();
    JsonNode data = JSON.readTree(call.body()).path("data");
    assertThat(data.path("text").asText()).isEqualTo(text);
    assertThat(data.path("channel").asText()).isEqualTo("sms");
    assertThat(data.path("provider").asText()).isEqualTo(PROVIDER);
    List<Receiver.Call> attempts =
        receiver.calls().stream().filter(c -> c.eventId().equals(call.eventId())).toList();
    assertThat(attempts).extracting(Receiver.Call::answered).containsExactly(500, 500, 204);
  }

  @Test
  void everyStatusChangeOfAMessageWithACallbackUrlReachesTheReceiverSigned() throws Exception {
    TestNode.Response sent =
        node.post(
            "/v1/messages",
            "{\"channel\":\"sms\",\"to\":\"+447700900150\",\"text\":\"with a callback\","
                + "\"callbackUrl\":\""
                + receiver.url()
                + "\"}");
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    String id = sent.json().path("id").asText();

    Receiver.Call delivered =
        await("delivered event")
            .atMost(SETTLE)
            .until(
                () -> deliveredEvent("message.status", "\"status\":\"delivered\"", id),
                c -> c != null);
    assertThat(delivered.signatureValid()).isTrue();
    JsonNode data = JSON.readTree(delivered.body()).path("data");
    assertThat(data.path("id").asText()).isEqualTo(id);
    assertThat(data.path("encoding").asText()).isEqualTo("GSM-7");
    assertThat(deliveredEvent("message.status", "\"status\":\"sent\"", id)).isNotNull();
  }

  private Receiver.Call deliveredEvent(String type, String... fragments) {
    return receiver.delivered().stream()
        .filter(c -> c.body().contains("\"type\":\"" + type + "\""))
        .filter(c -> java.util.Arrays.stream(fragments).allMatch(c.body()::contains))
        .findFirst()
        .orElse(null);
  }

  /** A send through the checker, which gives it a text of its own; it must be accepted. */
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
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                state.equals(
                    node.management("/health/ready")
                        .json()
                        .path("components")
                        .path("provider." + PROVIDER)
                        .path("state")
                        .asText()));
  }

  private List<SubmittedMessage> submitsFor(String destination) {
    return smsc.submitted().stream()
        .filter(s -> s.destAddr().equals(destination) && s.messageId() != null)
        .toList();
  }

  private SubmittedMessage onlySubmitFor(String destination) {
    List<SubmittedMessage> submits = submitsFor(destination);
    assertThat(submits).hasSize(1);
    return submits.get(0);
  }

  private static JsonNode sentStep(JsonNode read) {
    return StreamSupport.stream(read.path("history").spliterator(), false)
        .filter(step -> step.path("status").asText().equals("sent"))
        .findFirst()
        .orElseThrow();
  }

  private static List<String> statuses(JsonNode read) {
    return StreamSupport.stream(read.path("history").spliterator(), false)
        .map(step -> step.path("status").asText())
        .toList();
  }
}
