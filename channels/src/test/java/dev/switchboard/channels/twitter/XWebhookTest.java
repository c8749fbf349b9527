package dev.switchboard.channels.twitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.EndpointReply;
import dev.switchboard.engine.provider.EndpointRequest;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.provider.ProviderEvents;
import dev.switchboard.testkit.x.XStub;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The webhook endpoint alone: the CRC, the signature first, the DMs it reports. */
class XWebhookTest {
  private static final String SECRET = "z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu";
  private static final String US = "2244994945";
  private static final String THEM = "3001969357";

  private final List<InboundMessage> reported = new CopyOnWriteArrayList<>();
  private CompletableFuture<Void> durable = CompletableFuture.completedFuture(null);

  private final ProviderEvents events =
      new ProviderEvents() {
        @Override
        public CompletionStage<Void> receipt(DeliveryReceipt receipt) {
          throw new AssertionError("X sends no receipts");
        }

        @Override
        public CompletionStage<Void> inbound(InboundMessage message) {
          reported.add(message);
          return durable;
        }

        @Override
        public void sessionLost(String cause) {}
      };

  private final XWebhook webhook =
      new XWebhook(
          "twitter", "twitter", settings(Duration.ofSeconds(8)), events, Clock.systemUTC());

  private static XSettings settings(Duration webhookTimeout) {
    return new XSettings(
        URI.create("https://api.x.com"),
        "client",
        "",
        "access",
        "",
        SECRET,
        "acme",
        4,
        0,
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        Duration.ofMinutes(5),
        Duration.ofSeconds(1),
        Duration.ofHours(1),
        webhookTimeout,
        true);
  }

  private static EndpointRequest get(Map<String, List<String>> query) {
    return new EndpointRequest(
        "GET",
        "https://sb.example.com/v1/channels/twitter/webhook",
        "",
        query,
        Map.of(),
        new byte[0]);
  }

  private static EndpointRequest post(String body, String signature) {
    Map<String, String> headers =
        signature == null
            ? Map.of("content-type", "application/json")
            : Map.of("content-type", "application/json", "x-twitter-webhooks-signature", signature);
    return new EndpointRequest(
        "POST",
        "https://sb.example.com/v1/channels/twitter/webhook",
        "",
        Map.of(),
        headers,
        body.getBytes(StandardCharsets.UTF_8));
  }

  private static String signed(String body) {
    return XStub.sign(SECRET, body.getBytes(StandardCharsets.UTF_8));
  }

  private EndpointReply handle(EndpointRequest request) throws Exception {
    return webhook.handle(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theCrcIsAnsweredWithTheResponseTokenXExpects() throws Exception {
    EndpointReply reply =
        handle(get(Map.of("crc_token", List.of("9b4507b3-9040-4669-9ca3-6b94edb50553"))));

    assertThat(reply).isInstanceOf(EndpointReply.Answer.class);
    EndpointReply.Answer answer = (EndpointReply.Answer) reply;
    assertThat(answer.type()).isEqualTo(EndpointReply.BodyType.JSON);
    assertThat(new ObjectMapper().readTree(answer.body()).path("response_token").asText())
        .isEqualTo("sha256=Cytd4Sq+NvEcV3MMrXxWJGJx5A+y/lXzzU2Maartkx8=");
  }

  @Test
  void aCrcWithoutATokenOrWithOneThatCouldBeAnEventIsRefused() throws Exception {
    String event = XStub.dmEvent(US, "1", THEM, US, "forged");

    EndpointReply missing = handle(get(Map.of()));
    EndpointReply asEvent = handle(get(Map.of("crc_token", List.of(event))));

    assertThat(missing).isEqualTo(EndpointReply.invalid("crc_token is required"));
    assertThat(asEvent).isInstanceOf(EndpointReply.Refused.class);
    assertThat(((EndpointReply.Refused) asEvent).status()).isEqualTo(400);
  }

  @Test
  void aSignedDmIsReportedForTheAccountWithAnIdThatARedeliveryRepeats() throws Exception {
    String body = XStub.dmEvent(US, "954491830116155396", THEM, US, "Hello World!");

    EndpointReply first = handle(post(body, signed(body)));
    EndpointReply again = handle(post(body, signed(body)));

    assertThat(first).isEqualTo(EndpointReply.ok());
    assertThat(again).isEqualTo(EndpointReply.ok());
    assertThat(reported).hasSize(2);
    InboundMessage m = reported.get(0);
    assertThat(m.id()).startsWith("in_").isEqualTo(reported.get(1).id());
    assertThat(m.account()).isEqualTo("acme");
    assertThat(m.channel()).isEqualTo("twitter");
    assertThat(m.provider()).isEqualTo("twitter");
    assertThat(m.from()).isEqualTo(THEM);
    assertThat(m.to()).isEqualTo(US);
    assertThat(m.text()).isEqualTo("Hello World!");
    assertThat(XWebhook.inboundId("acme", "954491830116155397")).isNotEqualTo(m.id());
  }

  @Test
  void ourOwnDmsAndOtherEventsAreAnsweredAndNotReported() throws Exception {
    String echo = XStub.dmEvent(US, "2", US, THEM, "we sent this");
    String typing =
        "{\"for_user_id\":\"" + US + "\",\"direct_message_indicate_typing_events\":[{}]}";

    assertThat(handle(post(echo, signed(echo)))).isEqualTo(EndpointReply.ok());
    assertThat(handle(post(typing, signed(typing)))).isEqualTo(EndpointReply.ok());
    assertThat(reported).isEmpty();
  }

  @Test
  void aMissingOrWrongSignatureIsRefusedBeforeTheBodyIsRead() throws Exception {
    String body = XStub.dmEvent(US, "3", THEM, US, "forged");

    EndpointReply unsigned = handle(post(body, null));
    EndpointReply badly = handle(post(body, XStub.sign("not-our-secret", body.getBytes())));
    EndpointReply garbage = handle(post("not json", "sha256=AAAA"));

    for (EndpointReply reply : List.of(unsigned, badly, garbage)) {
      assertThat(reply).isInstanceOf(EndpointReply.Refused.class);
      assertThat(((EndpointReply.Refused) reply).status()).isEqualTo(401);
    }
    assertThat(reported).isEmpty();
  }

  @Test
  void aSignedBodyThatIsNoEventIsInvalid() throws Exception {
    assertThat(handle(post("[]", signed("[]"))))
        .isEqualTo(EndpointReply.invalid("the body is not an X activity event"));
  }

  @Test
  void aDmThatCouldNotBeMadeDurableFailsTheCallSoXSendsItAgain() {
    durable = CompletableFuture.failedFuture(new IllegalStateException("broker away"));
    String body = XStub.dmEvent(US, "4", THEM, US, "retry me");

    assertThatThrownBy(
            () ->
                webhook
                    .handle(post(body, signed(body)))
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
  }

  @Test
  void aDmStillNotDurableWhenXsDeadlineNearsFailsTheCall() {
    durable = new CompletableFuture<>();
    XWebhook quick =
        new XWebhook(
            "twitter", "twitter", settings(Duration.ofMillis(200)), events, Clock.systemUTC());
    String body = XStub.dmEvent(US, "5", THEM, US, "slow broker");

    assertThatThrownBy(
            () ->
                quick
                    .handle(post(body, signed(body)))
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
  }
}
