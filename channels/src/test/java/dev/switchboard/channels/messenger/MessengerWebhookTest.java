package dev.switchboard.channels.messenger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.EndpointReply;
import dev.switchboard.engine.provider.EndpointRequest;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.provider.ProviderEvents;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class MessengerWebhookTest {
  private static final String SECRET = "app-secret-xyz";
  private static final String VERIFY = "verify-abc";

  private final Recorded events = new Recorded();
  private final RecentSends recent = new RecentSends(100);
  private final MessengerWebhook webhook =
      new MessengerWebhook(
          "messenger",
          "fb-page",
          MessengerSettings.create(
              ConfigFactory.parseString(
                  "page-token = t, app-secret = " + SECRET + ", verify-token = " + VERIFY),
              ConfigFactory.defaultReference()),
          events,
          recent,
          Clock.systemUTC());

  /** Records what the endpoint reports; fails it when told. */
  private static final class Recorded implements ProviderEvents {
    final List<DeliveryReceipt> receipts = new CopyOnWriteArrayList<>();
    final List<InboundMessage> inbound = new CopyOnWriteArrayList<>();
    volatile boolean failing;

    @Override
    public CompletionStage<Void> receipt(DeliveryReceipt receipt) {
      receipts.add(receipt);
      return outcome();
    }

    @Override
    public CompletionStage<Void> inbound(InboundMessage message) {
      inbound.add(message);
      return outcome();
    }

    private CompletionStage<Void> outcome() {
      return failing
          ? CompletableFuture.failedFuture(new IllegalStateException("broker away"))
          : CompletableFuture.completedFuture(null);
    }

    @Override
    public void sessionLost(String cause) {}
  }

  private EndpointReply call(EndpointRequest request) {
    try {
      return webhook.handle(request).toCompletableFuture().get();
    } catch (InterruptedException | ExecutionException e) {
      throw new AssertionError(e);
    }
  }

  private static EndpointRequest get(String... query) {
    Map<String, List<String>> q = new LinkedHashMap<>();
    for (int i = 0; i < query.length; i += 2) {
      q.put(query[i], List.of(query[i + 1]));
    }
    return new EndpointRequest(
        "GET", "https://sb/v1/channels/messenger/webhook", "", q, Map.of(), new byte[0]);
  }

  private static EndpointRequest post(String body, String signature) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/json");
    if (signature != null) {
      headers.put("x-hub-signature-256", signature);
    }
    return new EndpointRequest(
        "POST", "https://sb/v1/channels/messenger/webhook", "", Map.of(), headers, bytes);
  }

  private static EndpointRequest signed(String body) {
    return post(body, HubSignature.sign(SECRET, body.getBytes(StandardCharsets.UTF_8)));
  }

  private static String page(String... items) {
    return "{\"object\":\"page\",\"entry\":[{\"id\":\"PAGE\",\"time\":1,\"messaging\":["
        + String.join(",", items)
        + "]}]}";
  }

  private static String message(String from, String mid, String text) {
    return "{\"sender\":{\"id\":\""
        + from
        + "\"},\"recipient\":{\"id\":\"PAGE\"},\"timestamp\":1,\"message\":{\"mid\":\""
        + mid
        + "\",\"text\":\""
        + text
        + "\"}}";
  }

  @Test
  void theHandshakeAnswersTheRawChallengeOnlyForSubscribeWithTheVerifyToken() {
    assertThat(
            call(
                get(
                    "hub.mode",
                    "subscribe",
                    "hub.challenge",
                    "1158201444",
                    "hub.verify_token",
                    VERIFY)))
        .isEqualTo(EndpointReply.text("1158201444"));
    assertThat(
            call(get("hub.mode", "subscribe", "hub.challenge", "1", "hub.verify_token", "wrong")))
        .isInstanceOfSatisfying(
            EndpointReply.Refused.class, r -> assertThat(r.status()).isEqualTo(403));
    assertThat(
            call(get("hub.mode", "unsubscribe", "hub.challenge", "1", "hub.verify_token", VERIFY)))
        .isInstanceOfSatisfying(
            EndpointReply.Refused.class, r -> assertThat(r.status()).isEqualTo(403));
    assertThat(call(get("hub.mode", "subscribe", "hub.challenge", "1")))
        .isInstanceOfSatisfying(
            EndpointReply.Refused.class, r -> assertThat(r.status()).isEqualTo(403));
  }

  @Test
  void aMissingOrBadSignatureIsRefusedBeforeAnythingIsRead() {
    String body = page(message("1", "m_1", "hi"));

    EndpointReply missing = call(post(body, null));
    EndpointReply bad = call(post(body, HubSignature.sign("other", body.getBytes())));
    EndpointReply notJsonUnsigned = call(post("not json", null));

    assertThat(missing)
        .isInstanceOfSatisfying(
            EndpointReply.Refused.class, r -> assertThat(r.status()).isEqualTo(401));
    assertThat(bad)
        .isInstanceOfSatisfying(
            EndpointReply.Refused.class, r -> assertThat(r.status()).isEqualTo(401));
    assertThat(notJsonUnsigned)
        .isInstanceOfSatisfying(
            EndpointReply.Refused.class, r -> assertThat(r.status()).isEqualTo(401));
    assertThat(events.inbound).isEmpty();
  }

  @Test
  void aSignedEventThatIsNotAPagesIsInvalid() {
    EndpointReply reply = call(signed("{\"object\":\"user\",\"entry\":[]}"));

    assertThat(reply)
        .isInstanceOfSatisfying(
            EndpointReply.Refused.class, r -> assertThat(r.status()).isEqualTo(400));
  }

  @Test
  void aMessageIsInboundWithAnIdFromItsMidSoARedeliveryIsTheSameMessage() {
    String body = page(message("1254459154682919", "m_abc", "hello"));

    assertThat(call(signed(body))).isEqualTo(EndpointReply.ok());
    assertThat(call(signed(body))).isEqualTo(EndpointReply.ok());

    assertThat(events.inbound).hasSize(2);
    InboundMessage first = events.inbound.get(0);
    assertThat(first.id()).isEqualTo(events.inbound.get(1).id()).startsWith("in_").hasSize(29);
    assertThat(first.from()).isEqualTo("1254459154682919");
    assertThat(first.to()).isEqualTo("PAGE");
    assertThat(first.text()).isEqualTo("hello");
    assertThat(first.account()).isEqualTo("default");
    assertThat(first.provider()).isEqualTo("fb-page");
    assertThat(MessengerWebhook.inboundId("fb-page", "m_other")).isNotEqualTo(first.id());
  }

  @Test
  void echoesAreIgnored() {
    String echo =
        "{\"sender\":{\"id\":\"PAGE\"},\"recipient\":{\"id\":\"1\"},"
            + "\"message\":{\"is_echo\":true,\"mid\":\"m_e\",\"text\":\"our own\"}}";

    assertThat(call(signed(page(echo)))).isEqualTo(EndpointReply.ok());
    assertThat(events.inbound).isEmpty();
    assertThat(events.receipts).isEmpty();
  }

  @Test
  void aDeliveryIsADeliveredReceiptPerMid() {
    String delivery =
        "{\"sender\":{\"id\":\"1\"},\"recipient\":{\"id\":\"PAGE\"},"
            + "\"delivery\":{\"mids\":[\"m_a\",\"m_b\"],\"watermark\":1}}";

    assertThat(call(signed(page(delivery)))).isEqualTo(EndpointReply.ok());

    assertThat(events.receipts)
        .extracting(DeliveryReceipt::providerMessageId, DeliveryReceipt::outcome)
        .containsExactly(
            tuple("m_a", DeliveryReceipt.Outcome.DELIVERED),
            tuple("m_b", DeliveryReceipt.Outcome.DELIVERED));
    assertThat(events.receipts)
        .allSatisfy(
            r -> {
              assertThat(r.provider()).isEqualTo("fb-page");
              assertThat(r.channel()).isEqualTo("messenger");
              assertThat(r.messageId()).isNull();
            });
  }

  @Test
  void aReadIsAReadReceiptForEachMessageSentToThatPersonBeforeTheWatermarkOnce() {
    recent.sent("1", "m_1", Instant.ofEpochMilli(1000));
    recent.sent("1", "m_2", Instant.ofEpochMilli(2000));
    recent.sent("2", "m_x", Instant.ofEpochMilli(1000));
    String read =
        "{\"sender\":{\"id\":\"1\"},\"recipient\":{\"id\":\"PAGE\"},\"read\":{\"watermark\":1500}}";

    assertThat(call(signed(page(read)))).isEqualTo(EndpointReply.ok());
    assertThat(call(signed(page(read)))).isEqualTo(EndpointReply.ok());

    assertThat(events.receipts)
        .extracting(DeliveryReceipt::providerMessageId, DeliveryReceipt::outcome)
        .containsExactly(tuple("m_1", DeliveryReceipt.Outcome.READ));
    assertThat(recent.sentBy("1", Long.MAX_VALUE)).containsExactly("m_2");
  }

  @Test
  void aReadThatCouldNotBeMadeDurableFailsTheCallAndIsKeptForMetasRetry() {
    recent.sent("1", "m_1", Instant.ofEpochMilli(1000));
    events.failing = true;
    String read =
        "{\"sender\":{\"id\":\"1\"},\"recipient\":{\"id\":\"PAGE\"},\"read\":{\"watermark\":1500}}";

    CompletableFuture<EndpointReply> reply =
        webhook.handle(signed(page(read))).toCompletableFuture();

    assertThat(reply).isCompletedExceptionally();
    assertThat(recent.sentBy("1", 1500)).containsExactly("m_1");
  }

  @Test
  void otherPathsAndMethodsAreNotFound() {
    EndpointRequest put = new EndpointRequest("PUT", "u", "", Map.of(), Map.of(), new byte[0]);
    EndpointRequest deeper =
        new EndpointRequest("GET", "u", "more", Map.of(), Map.of(), new byte[0]);

    assertThat(call(put)).isEqualTo(EndpointReply.notFound());
    assertThat(call(deeper)).isEqualTo(EndpointReply.notFound());
  }
}
