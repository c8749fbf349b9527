package dev.switchboard.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.message.OutboundMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChannelRouteTest {
  private static final Duration WAIT = Duration.ofSeconds(3);
  private static final ActorTestKit testKit = ActorTestKit.create("ChannelRouteTest");

  private TestClock clock;
  private TestProbe<ProviderRuntime.Command> first;
  private TestProbe<ProviderRuntime.Command> second;
  private ProviderHealth firstHealth;
  private ProviderHealth secondHealth;
  private ChannelRoute route;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    String id = UUID.randomUUID().toString();
    clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    first = testKit.createTestProbe();
    second = testKit.createTestProbe();
    // Both open after two failures in a row, for 10 s; one successful trial closes them.
    CircuitBreakerSettings breakers = TestBreakers.consecutive(2, Duration.ofSeconds(10), 1);
    firstHealth = new ProviderHealth("first-" + id, "sms", "a:1", clock, breakers);
    secondHealth = new ProviderHealth("second-" + id, "sms", "b:1", clock, breakers);
    route =
        new ChannelRoute(
            "sms",
            List.of(
                new ChannelRoute.Instance(first.ref(), firstHealth),
                new ChannelRoute.Instance(second.ref(), secondHealth)),
            WAIT,
            testKit.scheduler(),
            testKit.system().executionContext());
  }

  @Test
  void sendsGoToTheFirstAvailableInstance() throws Exception {
    firstHealth.opened();
    secondHealth.opened();

    CompletableFuture<SendOutcome> outcome = sendAndAnswer(first, new SendOutcome.Sent("x-1"));

    assertThat(outcome.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isEqualTo(new SendOutcome.Sent("x-1"));
    second.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void sendsGoToTheSecondWhileTheFirstIsDown() throws Exception {
    firstHealth.failed("bind refused");
    secondHealth.opened();

    CompletableFuture<SendOutcome> outcome = sendAndAnswer(second, new SendOutcome.Sent("x-2"));

    assertThat(outcome.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isEqualTo(new SendOutcome.Sent("x-2"));
    first.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void sendsGoToTheSecondWhileTheFirstIsThrottledAndBackAfterwards() throws Exception {
    firstHealth.opened();
    secondHealth.opened();
    firstHealth.throttled("ESME_RTHROTTLED", clock.instant().plusSeconds(1));

    CompletableFuture<SendOutcome> during = sendAndAnswer(second, new SendOutcome.Sent("x-3"));
    assertThat(during.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isEqualTo(new SendOutcome.Sent("x-3"));
    first.expectNoMessage(Duration.ofMillis(100));

    clock.advance(Duration.ofSeconds(1));
    CompletableFuture<SendOutcome> after = sendAndAnswer(first, new SendOutcome.Sent("x-4"));
    assertThat(after.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isEqualTo(new SendOutcome.Sent("x-4"));
    second.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aPermanentFailureNamesTheInstanceThatGaveIt() throws Exception {
    firstHealth.failed("bind refused");
    secondHealth.opened();

    CompletableFuture<SendOutcome> outcome =
        sendAndAnswer(
            second, new SendOutcome.PermanentFailure("recipient_opted_out", "21610 unsubscribed"));

    assertThat(outcome.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isEqualTo(
            new SendOutcome.PermanentFailure(
                "recipient_opted_out", "21610 unsubscribed", secondHealth.provider()));
  }

  @Test
  void withNoInstanceUpTheAnswerIsNotAttemptedWithoutAskingAnyone() throws Exception {
    firstHealth.failed("bind refused");
    secondHealth.failed("connection refused");

    CompletableFuture<SendOutcome> outcome = route.send(message(), 1).toCompletableFuture();

    assertThat(outcome).isCompleted();
    assertThat(outcome.get()).isInstanceOf(SendOutcome.NotAttempted.class);
    assertThat(((SendOutcome.NotAttempted) outcome.get()).reason()).contains("sms");
    first.expectNoMessage(Duration.ofMillis(100));
    second.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aJobInHandGoesToAThrottledInstanceWhenNoneIsAvailable() {
    firstHealth.failed("bind refused");
    secondHealth.opened();
    secondHealth.throttled("429", clock.instant().plusSeconds(5));

    route.send(message(), 1);

    assertThat(route.available()).isFalse();
    second.expectMessageClass(ProviderRuntime.Send.class);
    first.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void availableFollowsTheInstances() {
    assertThat(route.available()).as("both connecting").isFalse();

    secondHealth.opened();
    assertThat(route.available()).as("second up").isTrue();

    secondHealth.throttled("429", clock.instant().plusSeconds(2));
    assertThat(route.available()).as("second throttled").isFalse();

    firstHealth.opened();
    assertThat(route.available()).as("first up").isTrue();

    firstHealth.failed("peer closed");
    assertThat(route.available()).as("first down, second throttled").isFalse();

    clock.advance(Duration.ofSeconds(2));
    assertThat(route.available()).as("second's pause over").isTrue();

    secondHealth.failed("peer closed");
    assertThat(route.available()).as("both down").isFalse();
  }

  @Test
  void trafficMovesToTheSecondWhileTheFirstsBreakerIsOpenAndBackWhenATrialSucceeds()
      throws Exception {
    firstHealth.opened();
    secondHealth.opened();
    SendOutcome unavailable = new SendOutcome.TransientFailure("http_503", "unavailable", null);

    assertThat(answered(sendAndAnswer(first, unavailable))).isEqualTo(unavailable);
    assertThat(answered(sendAndAnswer(first, unavailable))).isEqualTo(unavailable);

    assertThat(firstHealth.breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(firstHealth.available()).as("its session is still up").isTrue();
    assertThat(answered(sendAndAnswer(second, new SendOutcome.Sent("x-5"))))
        .isEqualTo(new SendOutcome.Sent("x-5"));
    assertThat(route.available()).isTrue();
    first.expectNoMessage(Duration.ofMillis(100));

    // Open for 10 s, then one trial goes to the first; meanwhile the rest still go to the second.
    clock.advance(Duration.ofSeconds(10));
    OutboundMessage trialMessage = message();
    CompletableFuture<SendOutcome> trial = route.send(trialMessage, 1).toCompletableFuture();
    ProviderRuntime.Send trialSend = first.expectMessageClass(ProviderRuntime.Send.class, WAIT);
    assertThat(trialSend.message()).isSameAs(trialMessage);
    assertThat(answered(sendAndAnswer(second, new SendOutcome.Sent("x-6"))))
        .isEqualTo(new SendOutcome.Sent("x-6"));

    trialSend.replyTo().tell(new SendOutcome.Sent("x-7"));
    assertThat(answered(trial)).isEqualTo(new SendOutcome.Sent("x-7"));

    assertThat(firstHealth.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(answered(sendAndAnswer(first, new SendOutcome.Sent("x-8"))))
        .isEqualTo(new SendOutcome.Sent("x-8"));
    second.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aBadRecipientNeverMovesTraffic() throws Exception {
    firstHealth.opened();
    secondHealth.opened();
    SendOutcome rejected = new SendOutcome.PermanentFailure("invalid_recipient", "no number");

    for (int i = 0; i < 5; i++) {
      // The route names the instance that refused it (an opt-out is recorded in its name).
      assertThat(answered(sendAndAnswer(first, rejected)))
          .isEqualTo(((SendOutcome.PermanentFailure) rejected).from(firstHealth.provider()));
    }

    assertThat(firstHealth.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);
    second.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void withEveryBreakerOpenTheAttemptIsNotMadeAndTheChannelTakesNoWorkUntilTrialsAreDue()
      throws Exception {
    firstHealth.opened();
    secondHealth.opened();
    SendOutcome unavailable = new SendOutcome.TransientFailure("http_503", "unavailable", null);
    answered(sendAndAnswer(first, unavailable));
    answered(sendAndAnswer(first, unavailable));
    answered(sendAndAnswer(second, unavailable));
    answered(sendAndAnswer(second, unavailable));

    assertThat(route.available()).isFalse();
    CompletableFuture<SendOutcome> outcome = route.send(message(), 1).toCompletableFuture();
    assertThat(outcome).isCompleted();
    assertThat(((SendOutcome.NotAttempted) outcome.get()).reason())
        .contains("breaker open")
        .contains(firstHealth.provider());
    first.expectNoMessage(Duration.ofMillis(100));
    second.expectNoMessage(Duration.ofMillis(100));

    clock.advance(Duration.ofSeconds(10));
    assertThat(route.available()).as("trials due").isTrue();
    CompletableFuture<SendOutcome> trial = route.send(message(), 1).toCompletableFuture();
    first.expectMessageClass(ProviderRuntime.Send.class, WAIT);
    assertThat(trial).isNotDone();
  }

  private static SendOutcome answered(CompletableFuture<SendOutcome> outcome) throws Exception {
    return outcome.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private CompletableFuture<SendOutcome> sendAndAnswer(
      TestProbe<ProviderRuntime.Command> expected, SendOutcome answer) {
    OutboundMessage message = message();
    CompletableFuture<SendOutcome> outcome = route.send(message, 2).toCompletableFuture();
    ProviderRuntime.Send send = expected.expectMessageClass(ProviderRuntime.Send.class, WAIT);
    assertThat(send.message()).isSameAs(message);
    assertThat(send.attempt()).isEqualTo(2);
    send.replyTo().tell(answer);
    return outcome;
  }

  private static OutboundMessage message() {
    return new OutboundMessage(
        "m-" + UUID.randomUUID(),
        "acct",
        "sms",
        "+447700900123",
        null,
        "hello",
        null,
        0,
        Map.of(),
        Instant.now());
  }

  /** A clock the test moves, so a throttling pause ends when the test says. */
  static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
