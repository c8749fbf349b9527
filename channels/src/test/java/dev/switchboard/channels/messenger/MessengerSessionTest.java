package dev.switchboard.channels.messenger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.provider.ProviderEvents;
import dev.switchboard.engine.provider.SendOutcome;
import dev.switchboard.testkit.messenger.GraphFailure;
import dev.switchboard.testkit.messenger.MessengerStub;
import dev.switchboard.testkit.messenger.StubRequest;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Send API calls the session makes, against the stub over real HTTP. */
class MessengerSessionTest {
  private static final String TOKEN = "EAAsession-test-token";

  private MessengerStub stub;
  private MessengerSettings settings;
  private final HttpClient http = HttpClient.newHttpClient();
  private final RecentSends recent = new RecentSends(100);
  private final Lost lost = new Lost();

  /** Records sessionLost, and whether the send it followed had been answered by then. */
  private static final class Lost implements ProviderEvents {
    final List<String> causes = new CopyOnWriteArrayList<>();
    volatile CompletableFuture<SendOutcome> watched;
    volatile boolean answeredFirst;

    @Override
    public CompletionStage<Void> receipt(DeliveryReceipt receipt) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> inbound(InboundMessage message) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void sessionLost(String cause) {
      answeredFirst = watched != null && watched.isDone();
      causes.add(cause);
    }
  }

  @BeforeEach
  void start() throws Exception {
    stub = MessengerStub.start(TOKEN, "secret");
    settings = settings(TOKEN, "10s");
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  private MessengerSettings settings(String token, String timeout) {
    return MessengerSettings.create(
        ConfigFactory.parseString(
            "page-token = \""
                + token
                + "\", base-url = \""
                + stub.baseUrl()
                + "\", request-timeout = "
                + timeout),
        ConfigFactory.defaultReference());
  }

  private MessengerSession open() throws Exception {
    return MessengerSession.open("fb", settings, http, lost, recent, Clock.systemUTC());
  }

  private static OutboundMessage message(String to, String text, Map<String, String> metadata) {
    return new OutboundMessage(
        "msg_01TEST", "default", "messenger", to, null, text, null, 0, metadata, Instant.now());
  }

  private static SendOutcome await(CompletionStage<SendOutcome> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void openingChecksTheTokenWithGetMeAndLearnsThePage() throws Exception {
    MessengerSession session = open();

    assertThat(session.pageId()).isEqualTo(stub.pageId());
    StubRequest me = stub.requests().get(0);
    assertThat(me.method()).isEqualTo("GET");
    assertThat(me.path()).isEqualTo("/v21.0/me");
    assertThat(me.query()).isEqualTo("fields=id");
    assertThat(me.headers().get("authorization")).isEqualTo("Bearer " + TOKEN);
  }

  @Test
  void aRefusedTokenOrAnAbsentApiFailsTheOpenSayingWhyButNeverTheToken() throws Exception {
    settings = settings("EAAwrong-token", "10s");
    assertThatThrownBy(this::open)
        .isInstanceOf(MessengerUnavailableException.class)
        .hasMessageContaining("the Page access token was refused (messenger_190)")
        .hasMessageNotContaining("EAAwrong-token");

    settings = settings(TOKEN, "10s");
    stub.refuseConnections(true);
    assertThatThrownBy(this::open)
        .isInstanceOf(MessengerUnavailableException.class)
        .hasMessageContaining("could not be reached")
        .hasMessageNotContaining(TOKEN);
  }

  @Test
  void aSendIsTheDocumentedBodyWithTheTokenInTheHeaderAndItsMessageIdComesBack() throws Exception {
    MessengerSession session = open();

    SendOutcome outcome =
        await(session.send(message("1254459154682919", "hello \"you\"", Map.of()), 1));

    assertThat(stub.accepted()).hasSize(1);
    assertThat(outcome).isEqualTo(new SendOutcome.Sent(stub.accepted().get(0).mid()));
    StubRequest post = stub.requests().get(1);
    assertThat(post.method()).isEqualTo("POST");
    assertThat(post.path()).isEqualTo("/v21.0/me/messages");
    assertThat(post.query()).isNull();
    assertThat(post.headers().get("authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(post.headers().get("content-type")).isEqualTo("application/json");
    assertThat(post.body())
        .isEqualTo(
            "{\"recipient\":{\"id\":\"1254459154682919\"},\"messaging_type\":\"RESPONSE\","
                + "\"message\":{\"text\":\"hello \\\"you\\\"\"}}");
    assertThat(recent.sentBy("1254459154682919", Long.MAX_VALUE))
        .containsExactly(stub.accepted().get(0).mid());
  }

  @Test
  void aMessagesMetadataChoosesItsTypeAndTag() throws Exception {
    MessengerSession session = open();

    SendOutcome tagged =
        await(
            session.send(
                message(
                    "42", "your order shipped", Map.of("messenger.tag", "POST_PURCHASE_UPDATE")),
                1));
    SendOutcome update =
        await(session.send(message("42", "news", Map.of("messenger.messagingType", "update")), 1));
    SendOutcome wrong =
        await(session.send(message("42", "x", Map.of("messenger.messagingType", "LATER")), 1));
    SendOutcome tagWithoutTagType =
        await(
            session.send(
                message(
                    "42",
                    "x",
                    Map.of("messenger.messagingType", "RESPONSE", "messenger.tag", "HUMAN_AGENT")),
                1));

    assertThat(tagged).isInstanceOf(SendOutcome.Sent.class);
    assertThat(update).isInstanceOf(SendOutcome.Sent.class);
    assertThat(stub.accepted())
        .extracting(m -> m.messagingType() + "/" + m.tag())
        .containsExactly("MESSAGE_TAG/POST_PURCHASE_UPDATE", "UPDATE/null");
    assertThat(wrong)
        .isInstanceOfSatisfying(
            SendOutcome.PermanentFailure.class,
            f -> assertThat(f.code()).isEqualTo("messenger_invalid_metadata"));
    assertThat(tagWithoutTagType).isInstanceOf(SendOutcome.PermanentFailure.class);
    assertThat(stub.requests()).hasSize(3);
  }

  @Test
  void aRefusedTokenAnswersTheSendWithItsCodeThenReportsTheSessionLostOnce() throws Exception {
    MessengerSession session = open();
    stub.revokeToken();

    CompletableFuture<SendOutcome> first =
        session.send(message("42", "a", Map.of()), 1).toCompletableFuture();
    lost.watched = first;
    SendOutcome outcome = await(first);
    SendOutcome second = await(session.send(message("42", "b", Map.of()), 1));

    assertThat(outcome)
        .isInstanceOfSatisfying(
            SendOutcome.TransientFailure.class,
            f -> assertThat(f.code()).isEqualTo("messenger_190"));
    assertThat(second).isInstanceOf(SendOutcome.TransientFailure.class);
    assertThat(lost.causes).hasSize(1);
    assertThat(lost.causes.get(0)).contains("messenger_190").doesNotContain(TOKEN);
    assertThat(lost.answeredFirst).isTrue();
  }

  @Test
  void aRateLimitThrottlesForMetasEstimate() throws Exception {
    MessengerSession session = open();
    stub.failNext(1, GraphFailure.requestLimitFor(2));

    assertThat(await(session.send(message("42", "a", Map.of()), 1)))
        .isEqualTo(new SendOutcome.Throttled("messenger_4", Duration.ofMinutes(2)));
  }

  @Test
  void noAnswerWithinTheRequestTimeoutIsAnUnknownOutcome() throws Exception {
    settings = settings(TOKEN, "300ms");
    MessengerSession session = open();
    stub.answerSlowly(Duration.ofSeconds(3));

    CompletableFuture<SendOutcome> outcome =
        session.send(message("42", "a", Map.of()), 1).toCompletableFuture();

    assertThatThrownBy(() -> outcome.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("Send API call failed");
  }
}
