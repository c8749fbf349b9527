package dev.switchboard.channels.twitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.provider.ProviderEvents;
import dev.switchboard.engine.provider.ProviderSession;
import dev.switchboard.engine.provider.ProviderState;
import dev.switchboard.engine.provider.SendOutcome;
import dev.switchboard.testkit.x.XStub;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The adapter against the X stub over real HTTP: sends, errors, limits and the token's life. */
class XProviderTest {
  private static final String RECIPIENT = "3001969357";
  private static final Duration OPEN = Duration.ofSeconds(5);

  private XStub stub;
  private final List<String> lost = new CopyOnWriteArrayList<>();
  private final ProviderEvents events =
      new ProviderEvents() {
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
          lost.add(cause);
        }
      };

  @AfterEach
  void stop() {
    if (stub != null) {
      stub.close();
    }
  }

  private XStub start(XStub.Options options) {
    stub = XStub.start(options.withRateLimit(1000, Duration.ofMinutes(15)));
    return stub;
  }

  private static XSettings settings(XStub stub, XStub.Tokens tokens, String clientSecret) {
    return new XSettings(
        URI.create(stub.baseUrl()),
        stub.options().clientId(),
        clientSecret,
        tokens.accessToken(),
        tokens.refreshToken(),
        stub.options().consumerSecret(),
        "default",
        4,
        0,
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        Duration.ofMinutes(5),
        Duration.ofSeconds(1),
        Duration.ofHours(1),
        Duration.ofSeconds(8),
        true);
  }

  private XProvider provider(XSettings settings, ProviderState state) {
    return new XProvider(
        "x-" + UUID.randomUUID(), "twitter", settings, state, OPEN, Clock.systemUTC());
  }

  private static SendOutcome send(ProviderSession session, String text) throws Exception {
    return session
        .send(
            new OutboundMessage(
                "msg_" + UUID.randomUUID(),
                "default",
                "twitter",
                RECIPIENT,
                null,
                text,
                null,
                0,
                Map.of(),
                Instant.now()),
            1)
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void aDmIsPostedAsJsonWithTheBearerTokenAndNamedByItsEventId() throws Exception {
    XStub x = start(XStub.Options.defaults());
    ProviderSession session =
        provider(settings(x, x.issueTokens(), ""), ProviderState.inMemory()).open(events);

    SendOutcome outcome = send(session, "Hello \"there\" 👋");

    assertThat(x.accepted()).hasSize(1);
    XStub.Dm dm = x.accepted().get(0);
    assertThat(dm.participantId()).isEqualTo(RECIPIENT);
    assertThat(dm.text()).isEqualTo("Hello \"there\" 👋");
    assertThat(outcome).isEqualTo(new SendOutcome.Sent(dm.dmEventId()));
  }

  @Test
  void xsRefusalsAreClassifiedWithTheirCodes() throws Exception {
    XStub x = start(XStub.Options.defaults());
    ProviderSession session =
        provider(settings(x, x.issueTokens(), ""), ProviderState.inMemory()).open(events);
    x.failNext(
        1,
        XStub.Failure.problem(
            403,
            "about:blank",
            "Forbidden",
            "You are not permitted to send a message to this user."));
    x.failNext(1, XStub.Failure.legacy(403, 349, "You cannot send messages to this user."));
    x.failNext(1, XStub.Failure.serverError(503));

    SendOutcome forbidden = send(session, "one");
    SendOutcome legacy = send(session, "two");
    SendOutcome unavailable = send(session, "three");

    assertThat(forbidden)
        .isEqualTo(
            new SendOutcome.PermanentFailure(
                "twitter_403", "Forbidden: You are not permitted to send a message to this user."));
    assertThat(legacy)
        .isEqualTo(
            new SendOutcome.PermanentFailure(
                "twitter_403", "X error 349: You cannot send messages to this user."));
    assertThat(unavailable).isInstanceOf(SendOutcome.TransientFailure.class);
    assertThat(((SendOutcome.TransientFailure) unavailable).code()).isEqualTo("twitter_503");
    assertThat(x.accepted()).isEmpty();
    assertThat(lost).isEmpty();
  }

  @Test
  void aSpentWindowHoldsTheNextSendUntilItsResetWithoutAskingX() throws Exception {
    XStub x = start(XStub.Options.defaults());
    ProviderSession session =
        provider(settings(x, x.issueTokens(), ""), ProviderState.inMemory()).open(events);
    Instant reset = Instant.now().plusSeconds(30);
    x.rateWindow(1, reset);

    SendOutcome last = send(session, "the window's last");
    SendOutcome held = send(session, "held");

    assertThat(last).isInstanceOf(SendOutcome.Sent.class);
    assertThat(held).isInstanceOf(SendOutcome.Throttled.class);
    SendOutcome.Throttled throttled = (SendOutcome.Throttled) held;
    assertThat(throttled.code()).isEqualTo("twitter_rate_limited");
    assertThat(throttled.pause()).isBetween(Duration.ofSeconds(28), Duration.ofSeconds(32));
    assertThat(x.calls()).hasSize(1);
  }

  @Test
  void a429PausesUntilXsResetTime() throws Exception {
    XStub x = start(XStub.Options.defaults());
    ProviderSession session =
        provider(settings(x, x.issueTokens(), ""), ProviderState.inMemory()).open(events);
    x.rateWindow(0, Instant.now().plusSeconds(20));

    SendOutcome outcome = send(session, "too many");

    assertThat(outcome).isInstanceOf(SendOutcome.Throttled.class);
    assertThat(((SendOutcome.Throttled) outcome).code()).isEqualTo("twitter_429");
    assertThat(((SendOutcome.Throttled) outcome).pause())
        .isBetween(Duration.ofSeconds(18), Duration.ofSeconds(22));
  }

  @Test
  void aUsageCapHoldsEverySendUntilThePeriodEnds() throws Exception {
    XStub x = start(XStub.Options.defaults());
    ProviderSession session =
        provider(settings(x, x.issueTokens(), ""), ProviderState.inMemory()).open(events);
    x.usageCap("Monthly", Instant.now().plusSeconds(120));

    SendOutcome capped = send(session, "capped");
    SendOutcome held = send(session, "held");

    assertThat(capped).isInstanceOf(SendOutcome.Throttled.class);
    assertThat(((SendOutcome.Throttled) capped).code()).isEqualTo("twitter_usage_capped");
    assertThat(((SendOutcome.Throttled) capped).pause())
        .isBetween(Duration.ofSeconds(118), Duration.ofSeconds(122));
    assertThat(((SendOutcome.Throttled) held).code()).isEqualTo("twitter_usage_capped");
    assertThat(x.calls()).hasSize(1);
  }

  @Test
  void anExpiredTokenIsRenewedOnceForManySendsAndTheRotatedRefreshTokenIsUsedNextTime()
      throws Exception {
    XStub x = start(XStub.Options.defaults());
    XStub.Tokens first = x.issueTokens();
    ProviderSession session =
        provider(settings(x, first, ""), ProviderState.inMemory()).open(events);
    x.expireAccessTokens();

    List<CompletableFuture<SendOutcome>> sends =
        IntStream.range(0, 4)
            .mapToObj(
                i -> CompletableFuture.supplyAsync(() -> sendQuietly(session, "at once " + i)))
            .toList();
    for (CompletableFuture<SendOutcome> s : sends) {
      assertThat(s.get(10, TimeUnit.SECONDS)).isInstanceOf(SendOutcome.Sent.class);
    }
    String rotated = x.refreshToken();
    x.expireAccessTokens();
    SendOutcome later = send(session, "later");

    assertThat(later).isInstanceOf(SendOutcome.Sent.class);
    assertThat(x.refreshesUsed()).containsExactly(first.refreshToken(), rotated);
    assertThat(x.tokenRequests()).isEqualTo(2);
    assertThat(x.accepted()).hasSize(5);
    assertThat(lost).isEmpty();
  }

  @Test
  void aTokenAboutToExpireIsRenewedBeforeXRefusesIt() throws Exception {
    // Tokens of 2 minutes against 5 minutes ahead: once its expiry is known, it is always due.
    XStub x = start(XStub.Options.defaults().withTokenLifetime(Duration.ofMinutes(2)));
    XStub.Tokens first = x.issueTokens();
    ProviderSession session =
        provider(settings(x, first, ""), ProviderState.inMemory()).open(events);
    x.expireAccessTokens();
    send(session, "renewed after a 401");
    int refusals = (int) x.calls().stream().filter(c -> c.status() == 401).count();

    SendOutcome outcome = send(session, "renewed ahead");

    assertThat(outcome).isInstanceOf(SendOutcome.Sent.class);
    assertThat(x.refreshesUsed()).hasSize(2);
    assertThat(x.calls().stream().filter(c -> c.status() == 401)).hasSize(refusals);
  }

  @Test
  void aRefusedRenewalLosesTheSessionWithWhyAndNoTokenAndOpeningFailsUntilItWorks()
      throws Exception {
    XStub x = start(XStub.Options.defaults());
    XStub.Tokens tokens = x.issueTokens();
    XProvider provider = provider(settings(x, tokens, ""), ProviderState.inMemory());
    ProviderSession session = provider.open(events);
    x.revokeRefreshToken();
    x.expireAccessTokens();

    SendOutcome outcome = send(session, "no token");

    assertThat(outcome).isInstanceOf(SendOutcome.TransientFailure.class);
    assertThat(((SendOutcome.TransientFailure) outcome).code()).isEqualTo("twitter_401");
    awaitLost();
    assertThat(lost).hasSize(1);
    assertThat(lost.get(0))
        .contains("X refused to renew the access token (HTTP 400 invalid_request)")
        .doesNotContain(tokens.accessToken(), tokens.refreshToken(), x.refreshToken());
    assertThatThrownBy(() -> provider.open(events))
        .isInstanceOf(XAuthException.class)
        .hasMessageContaining("refused to renew");
    assertThat(x.accepted()).isEmpty();
  }

  @Test
  void withoutARefreshTokenA401LosesTheSession() throws Exception {
    XStub x = start(XStub.Options.defaults());
    XStub.Tokens tokens = x.issueTokens();
    XSettings settings = settings(x, new XStub.Tokens(tokens.accessToken(), "", null), "");
    ProviderSession session = provider(settings, ProviderState.inMemory()).open(events);
    x.expireAccessTokens();

    SendOutcome outcome = send(session, "no refresh");

    assertThat(((SendOutcome.TransientFailure) outcome).code()).isEqualTo("twitter_401");
    awaitLost();
    assertThat(lost).singleElement().asString().contains("no refresh token is set");
  }

  @Test
  void aConfidentialClientRenewsWithBasicAuthentication() throws Exception {
    XStub x = start(XStub.Options.defaults().withClientSecret("s3cret"));
    XStub.Tokens tokens = x.issueTokens();
    ProviderSession right =
        provider(settings(x, tokens, "s3cret"), ProviderState.inMemory()).open(events);
    x.expireAccessTokens();

    assertThat(send(right, "basic")).isInstanceOf(SendOutcome.Sent.class);

    XStub.Tokens again = x.issueTokens();
    ProviderSession wrong =
        provider(settings(x, again, "wrong"), ProviderState.inMemory()).open(events);
    x.expireAccessTokens();
    assertThat(send(wrong, "wrong secret")).isInstanceOf(SendOutcome.TransientFailure.class);
    awaitLost();
    assertThat(lost).singleElement().asString().contains("HTTP 401 unauthorized_client");
  }

  @Test
  void theRotatedPairIsStoredSoARestartGoesOnWithItWithoutTheSpentRefreshToken() throws Exception {
    XStub x = start(XStub.Options.defaults());
    XStub.Tokens configured = x.issueTokens();
    ProviderState state = ProviderState.inMemory();
    String name = "x-" + UUID.randomUUID();
    XSettings settings = settings(x, configured, "");
    ProviderSession before =
        new XProvider(name, "twitter", settings, state, OPEN, Clock.systemUTC()).open(events);
    x.expireAccessTokens();
    send(before, "renews");

    // The same configuration again, as after a restart: its refresh token is spent.
    ProviderSession after =
        new XProvider(name, "twitter", settings, state, OPEN, Clock.systemUTC()).open(events);
    SendOutcome outcome = send(after, "after the restart");

    assertThat(outcome).isInstanceOf(SendOutcome.Sent.class);
    assertThat(x.refreshesUsed()).containsExactly(configured.refreshToken());
    assertThat(x.calls().stream().filter(c -> c.status() == 401)).hasSize(1);
  }

  @Test
  void aNodeWhoseTokenWasRenewedElsewhereTakesTheStoredPairInsteadOfRefreshing() throws Exception {
    XStub x = start(XStub.Options.defaults());
    XStub.Tokens configured = x.issueTokens();
    ProviderState shared = ProviderState.inMemory();
    String name = "x-" + UUID.randomUUID();
    XSettings settings = settings(x, configured, "");
    ProviderSession nodeA =
        new XProvider(name, "twitter", settings, shared, OPEN, Clock.systemUTC()).open(events);
    ProviderSession nodeB =
        new XProvider(name, "twitter", settings, shared, OPEN, Clock.systemUTC()).open(events);
    x.expireAccessTokens();

    assertThat(send(nodeA, "A renews")).isInstanceOf(SendOutcome.Sent.class);
    assertThat(send(nodeB, "B takes A's")).isInstanceOf(SendOutcome.Sent.class);

    assertThat(x.refreshesUsed()).hasSize(1);
    assertThat(lost).isEmpty();
  }

  @Test
  void aNewlyConfiguredPairReplacesTheStoredOneOfAnEarlierAuthorisation() throws Exception {
    XStub x = start(XStub.Options.defaults());
    ProviderState state = ProviderState.inMemory();
    String name = "x-" + UUID.randomUUID();
    ProviderSession old =
        new XProvider(
                name, "twitter", settings(x, x.issueTokens(), ""), state, OPEN, Clock.systemUTC())
            .open(events);
    x.expireAccessTokens();
    send(old, "stores a pair");

    // The user authorised the app again: the operator configures the new pair.
    XStub.Tokens fresh = x.issueTokens();
    ProviderSession renewed =
        new XProvider(name, "twitter", settings(x, fresh, ""), state, OPEN, Clock.systemUTC())
            .open(events);
    SendOutcome outcome = send(renewed, "with the new pair");
    x.expireAccessTokens();
    SendOutcome afterExpiry = send(renewed, "renewed from the new pair");

    assertThat(outcome).isInstanceOf(SendOutcome.Sent.class);
    assertThat(afterExpiry).isInstanceOf(SendOutcome.Sent.class);
    assertThat(x.refreshesUsed()).hasSize(2).endsWith(fresh.refreshToken());
  }

  // The session reports itself lost once its send's answer is out.
  private void awaitLost() {
    await("session lost").atMost(Duration.ofSeconds(5)).until(() -> !lost.isEmpty());
  }

  private static SendOutcome sendQuietly(ProviderSession session, String text) {
    try {
      return send(session, text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
