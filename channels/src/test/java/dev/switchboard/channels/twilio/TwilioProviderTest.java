package dev.switchboard.channels.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.EndpointReply;
import dev.switchboard.engine.provider.EndpointRequest;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.provider.ProviderEndpoint;
import dev.switchboard.engine.provider.ProviderEvents;
import dev.switchboard.engine.provider.ProviderSession;
import dev.switchboard.engine.provider.SendOutcome;
import dev.switchboard.testkit.twilio.AcceptedMessage;
import dev.switchboard.testkit.twilio.TwilioFailure;
import dev.switchboard.testkit.twilio.TwilioSigner;
import dev.switchboard.testkit.twilio.TwilioStub;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The adapter against the testkit's Twilio stub over loopback HTTP, and its endpoint. */
class TwilioProviderTest {
  private static final String TOKEN = "tok-" + UUID.randomUUID();
  private static final String CALLBACK = "https://sb.example.com/v1/channels/sms/twilio/status";
  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

  private TwilioStub stub;
  private final Events events = new Events();
  private ProviderSession session;

  @BeforeEach
  void start() throws Exception {
    stub = TwilioStub.start(TwilioStub.newAccountSid(), TOKEN);
    stub.autoStatus(null, null);
  }

  @AfterEach
  void stop() {
    if (session != null) {
      session.close();
    }
    stub.close();
  }

  private TwilioProvider provider(String token, String extra) {
    TwilioSettings settings =
        TwilioSettings.create(
            ConfigFactory.parseString(
                "base-url = \""
                    + stub.baseUrl()
                    + "\", account-sid = "
                    + stub.accountSid()
                    + ", auth-token = \""
                    + token
                    + "\", from = \"+15005550006\", status-callback = \""
                    + CALLBACK
                    + "\", "
                    + extra),
            ConfigFactory.defaultReference(),
            "sms");
    return new TwilioProvider("twilio", "sms", settings, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static OutboundMessage message(
      String to, String from, String text, long ttl, Instant at) {
    return new OutboundMessage(
        "msg_" + UUID.randomUUID(), "default", "sms", to, from, text, null, ttl, Map.of(), at);
  }

  private SendOutcome send(OutboundMessage message) throws Exception {
    return session.send(message, 1).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aMessageIsPostedAsTwilioWantsItAndSentUnderTheSidTwilioGave() throws Exception {
    session = provider(TOKEN, "").open(events);

    SendOutcome outcome = send(message("+447700900123", null, "Hello & 5€ 👋", 0, NOW));

    AcceptedMessage m = stub.accepted().get(0);
    assertThat(outcome).isEqualTo(new SendOutcome.Sent(m.sid()));
    assertThat(m.to()).isEqualTo("+447700900123");
    assertThat(m.from()).isEqualTo("+15005550006");
    assertThat(m.body()).isEqualTo("Hello & 5€ 👋");
    assertThat(m.statusCallback()).isEqualTo(CALLBACK);
    assertThat(m.validityPeriod()).isNull();
    assertThat(m.params()).containsOnlyKeys("To", "From", "Body", "StatusCallback");
  }

  @Test
  void theMessagesOwnSenderWinsAndItsTtlLeftIsTheValidityPeriodWithinTwiliosBounds()
      throws Exception {
    session = provider(TOKEN, "").open(events);

    send(message("+447700900001", "Acme", "a", 600, NOW.minusSeconds(100)));
    send(message("+447700900002", null, "b", 100_000, NOW));
    send(message("+447700900003", null, "c", 60, NOW.minusSeconds(3600)));

    assertThat(stub.acceptedFor("+447700900001").get(0).from()).isEqualTo("Acme");
    assertThat(stub.acceptedFor("+447700900001").get(0).validityPeriod()).isEqualTo("500");
    assertThat(stub.acceptedFor("+447700900002").get(0).validityPeriod()).isEqualTo("36000");
    assertThat(stub.acceptedFor("+447700900003").get(0).validityPeriod()).isEqualTo("1");
  }

  @Test
  void eachRefusalIsClassifiedWithItsCode() throws Exception {
    session = provider(TOKEN, "").open(events);
    stub.failRecipient("+447700900010", TwilioFailure.unsubscribed());
    stub.failRecipient("+447700900011", TwilioFailure.invalidTo("+447700900011"));
    stub.failRecipient("+447700900012", TwilioFailure.tooManyRequests());
    stub.failRecipient("+447700900013", TwilioFailure.serverError());

    assertThat(send(message("+447700900010", null, "x", 0, NOW)))
        .isEqualTo(
            new SendOutcome.PermanentFailure(
                "recipient_opted_out", "twilio 21610: Attempt to send to unsubscribed recipient"));
    assertThat(send(message("+447700900011", null, "x", 0, NOW)))
        .isInstanceOfSatisfying(
            SendOutcome.PermanentFailure.class,
            f -> assertThat(f.code()).isEqualTo("twilio_21211"));
    assertThat(send(message("+447700900012", null, "x", 0, NOW)))
        .isEqualTo(new SendOutcome.Throttled("twilio_20429", null));
    assertThat(send(message("+447700900013", null, "x", 0, NOW)))
        .isInstanceOfSatisfying(
            SendOutcome.TransientFailure.class,
            f -> assertThat(f.code()).isEqualTo("twilio_20500"));
    assertThat(events.lost).isEmpty();
  }

  @Test
  void aMessageWithoutAnySenderFailsWithoutACall() throws Exception {
    session = provider(TOKEN, "from = \"\"").open(events);

    assertThat(send(message("+447700900123", null, "x", 0, NOW)))
        .isInstanceOfSatisfying(
            SendOutcome.PermanentFailure.class,
            f -> assertThat(f.code()).isEqualTo("twilio_no_sender"));
    assertThat(stub.requests()).noneMatch(r -> r.method().equals("POST"));
  }

  @Test
  void wrongCredentialsFailTheOpenWithoutShowingTheToken() {
    String wrong = "wrong-" + TOKEN;
    TwilioProvider provider = provider(wrong, "");

    assertThatThrownBy(() -> provider.open(events))
        .isInstanceOf(TwilioOpenException.class)
        .hasMessageContaining("20003")
        .hasMessageNotContaining(wrong)
        .hasMessageNotContaining(TOKEN);
    assertThat(provider.peer()).isEqualTo("127.0.0.1:" + stub.port());
  }

  @Test
  void withoutTheCredentialsCheckAnOpenMakesNoCall() throws Exception {
    session = provider("wrong", "verify-credentials = off").open(events);

    assertThat(stub.requests()).isEmpty();
  }

  @Test
  void credentialsRejectedOnASendFailItAsTransientAndLoseTheSessionOnce() throws Exception {
    session = provider(TOKEN, "").open(events);
    stub.changeAuthToken("rotated-" + UUID.randomUUID());

    SendOutcome first = send(message("+447700900123", null, "x", 0, NOW));
    SendOutcome second = send(message("+447700900123", null, "y", 0, NOW));

    assertThat(first)
        .isInstanceOfSatisfying(
            SendOutcome.TransientFailure.class,
            f -> assertThat(f.code()).isEqualTo("twilio_20003"));
    assertThat(second).isInstanceOf(SendOutcome.TransientFailure.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> !events.lost.isEmpty());
    assertThat(events.lost).hasSize(1);
    assertThat(events.lost.get(0)).contains("20003").doesNotContain(TOKEN);
  }

  @Test
  void anApiThatRefusesConnectionsFailsTheSendAsUnreachableAndLosesTheSession() throws Exception {
    session = provider(TOKEN, "").open(events);
    stub.refuseConnections();

    assertThat(send(message("+447700900123", null, "x", 0, NOW)))
        .isInstanceOfSatisfying(
            SendOutcome.TransientFailure.class,
            f -> assertThat(f.code()).isEqualTo("twilio_unreachable"));
    // Reported just after the attempt's answer, so that the answer reaches the runtime first.
    await().atMost(Duration.ofSeconds(5)).until(() -> !events.lost.isEmpty());
    assertThat(events.lost).hasSize(1);
  }

  @Test
  void aSlowAnswerPastTheRequestTimeoutIsAnUnknownOutcome() throws Exception {
    session = provider(TOKEN, "request-timeout = 200ms").open(events);
    stub.answerSlowly(Duration.ofSeconds(2));

    CompletableFuture<SendOutcome> outcome =
        session.send(message("+447700900123", null, "x", 0, NOW), 1).toCompletableFuture();

    await().atMost(Duration.ofSeconds(5)).until(outcome::isDone);
    assertThat(outcome).isCompletedExceptionally();
    assertThat(events.lost).isEmpty();
  }

  // --- the endpoint ---

  private static final String STATUS_URL = "https://sb.example.com/v1/channels/sms/twilio/status";
  private static final String INBOUND_URL = "https://sb.example.com/v1/channels/sms/twilio/inbound";

  private EndpointReply call(String url, String path, Map<String, String> params, String token) {
    ProviderEndpoint endpoint = provider(TOKEN, "").endpoint(events).orElseThrow();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/x-www-form-urlencoded");
    if (token != null) {
      headers.put("x-twilio-signature", TwilioSigner.sign(token, url, params));
    }
    EndpointRequest request =
        new EndpointRequest(
            "POST",
            url,
            path,
            Map.of(),
            headers,
            TwilioSigner.form(params).getBytes(StandardCharsets.UTF_8));
    assertThat(endpoint.segment()).isEqualTo("twilio");
    return endpoint.handle(request).toCompletableFuture().join();
  }

  private static Map<String, String> status(String sid, String status, String errorCode) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("SmsSid", sid);
    p.put("SmsStatus", status);
    p.put("MessageStatus", status);
    p.put("MessageSid", sid);
    p.put("AccountSid", "AC1");
    p.put("ApiVersion", "2010-04-01");
    if (errorCode != null) {
      p.put("ErrorCode", errorCode);
    }
    return p;
  }

  @Test
  void aSignedFinalStatusIsAReceiptAndAnIntermediateOneIsJustAnswered() {
    EndpointReply delivered = call(STATUS_URL, "status", status("SM1", "delivered", null), TOKEN);
    EndpointReply undelivered =
        call(STATUS_URL, "status", status("SM2", "undelivered", "30003"), TOKEN);
    EndpointReply sent = call(STATUS_URL, "status", status("SM3", "sent", null), TOKEN);

    assertThat(delivered).isEqualTo(EndpointReply.ok());
    assertThat(undelivered).isEqualTo(EndpointReply.ok());
    assertThat(sent).isEqualTo(EndpointReply.ok());
    assertThat(events.receipts)
        .extracting(
            DeliveryReceipt::providerMessageId,
            DeliveryReceipt::outcome,
            DeliveryReceipt::errorCode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("SM1", DeliveryReceipt.Outcome.DELIVERED, null),
            org.assertj.core.groups.Tuple.tuple(
                "SM2", DeliveryReceipt.Outcome.FAILED, "twilio_30003"));
  }

  @Test
  void aSignedInboundSmsIsAnInboundMessageAnsweredWithAnEmptyTwimlResponse() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("MessageSid", "SM9");
    p.put("AccountSid", "AC1");
    p.put("From", "+447700900777");
    p.put("To", "+15005550006");
    p.put("Body", "Hi + bye & more");

    EndpointReply reply = call(INBOUND_URL, "inbound", p, TOKEN);

    assertThat(reply)
        .isEqualTo(EndpointReply.xml("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>"));
    InboundMessage in = events.inbound.get(0);
    assertThat(in.from()).isEqualTo("+447700900777");
    assertThat(in.to()).isEqualTo("+15005550006");
    assertThat(in.text()).isEqualTo("Hi + bye & more");
    assertThat(in.account()).isEqualTo("default");
    assertThat(in.provider()).isEqualTo("twilio");
  }

  @Test
  void forgedUnsignedOrMisaddressedCallsAreRefusedAndReportNothing() {
    Map<String, String> p = status("SM1", "delivered", null);

    assertThat(call(STATUS_URL, "status", p, "not-the-token"))
        .isInstanceOfSatisfying(
            EndpointReply.Refused.class, r -> assertThat(r.status()).isEqualTo(401));
    assertThat(call(STATUS_URL, "status", p, null))
        .isInstanceOfSatisfying(
            EndpointReply.Refused.class, r -> assertThat(r.status()).isEqualTo(401));
    // Signed for the inbound URL, replayed at the status one.
    assertThat(callSignedFor(INBOUND_URL, STATUS_URL, p))
        .isInstanceOfSatisfying(
            EndpointReply.Refused.class, r -> assertThat(r.status()).isEqualTo(401));
    assertThat(call(STATUS_URL, "nope", p, TOKEN))
        .isInstanceOfSatisfying(
            EndpointReply.Refused.class, r -> assertThat(r.status()).isEqualTo(404));
    assertThat(call(STATUS_URL, "status", Map.of("MessageStatus", "delivered"), TOKEN))
        .isInstanceOfSatisfying(
            EndpointReply.Refused.class, r -> assertThat(r.status()).isEqualTo(400));
    assertThat(events.receipts).isEmpty();
    assertThat(events.inbound).isEmpty();
  }

  private EndpointReply callSignedFor(String signedUrl, String calledUrl, Map<String, String> p) {
    ProviderEndpoint endpoint = provider(TOKEN, "").endpoint(events).orElseThrow();
    return endpoint
        .handle(
            new EndpointRequest(
                "POST",
                calledUrl,
                "status",
                Map.of(),
                Map.of("x-twilio-signature", TwilioSigner.sign(TOKEN, signedUrl, p)),
                TwilioSigner.form(p).getBytes(StandardCharsets.UTF_8)))
        .toCompletableFuture()
        .join();
  }

  @Test
  void aReceiptThatCouldNotBeMadeDurableFailsTheCallSoTwilioSendsItAgain() {
    events.failDurable = true;

    CompletableFuture<EndpointReply> reply =
        provider(TOKEN, "")
            .endpoint(events)
            .orElseThrow()
            .handle(
                new EndpointRequest(
                    "POST",
                    STATUS_URL,
                    "status",
                    Map.of(),
                    Map.of(
                        "x-twilio-signature",
                        TwilioSigner.sign(TOKEN, STATUS_URL, status("SM1", "delivered", null))),
                    TwilioSigner.form(status("SM1", "delivered", null))
                        .getBytes(StandardCharsets.UTF_8)))
            .toCompletableFuture();

    assertThat(reply).isCompletedExceptionally();
  }

  /** What the adapter reported. */
  private static final class Events implements ProviderEvents {
    final List<DeliveryReceipt> receipts = new CopyOnWriteArrayList<>();
    final List<InboundMessage> inbound = new CopyOnWriteArrayList<>();
    final List<String> lost = new CopyOnWriteArrayList<>();
    volatile boolean failDurable;

    @Override
    public CompletionStage<Void> receipt(DeliveryReceipt receipt) {
      if (failDurable) {
        return CompletableFuture.failedFuture(new IllegalStateException("broker away"));
      }
      receipts.add(receipt);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> inbound(InboundMessage message) {
      if (failDurable) {
        return CompletableFuture.failedFuture(new IllegalStateException("broker away"));
      }
      inbound.add(message);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void sessionLost(String cause) {
      lost.add(cause);
    }
  }
}
