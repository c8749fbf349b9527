package dev.switchboard.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.provider.CircuitBreaker.State;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private static final SendOutcome SENT = new SendOutcome.Sent("x-1");
  private static final SendOutcome TRANSIENT =
      new SendOutcome.TransientFailure("http_503", "service unavailable", null);
  private static final SendOutcome PERMANENT =
      new SendOutcome.PermanentFailure("invalid_recipient", "no such number");

  private final ChannelRouteTest.TestClock clock =
      new ChannelRouteTest.TestClock(Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void opensAfterConsecutiveFailuresAndASuccessStartsTheCountAgain() {
    CircuitBreaker breaker = breaker(TestBreakers.consecutive(3, Duration.ofSeconds(10), 1));

    attempt(breaker, TRANSIENT);
    attempt(breaker, TRANSIENT);
    attempt(breaker, SENT);
    attempt(breaker, TRANSIENT);
    attempt(breaker, TRANSIENT);
    assertThat(breaker.state()).as("two in a row since the success").isEqualTo(State.CLOSED);
    assertThat(breaker.snapshot().consecutiveFailures()).isEqualTo(2);

    // A send nobody answered (the route's ask timed out) is a failure too.
    breaker.record(breaker.tryAcquire(), null, new TimeoutException("ask timed out"));

    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.tryAcquire()).isNull();
    assertThat(breaker.admits()).isFalse();
    assertThat(breaker.snapshot().reason())
        .isEqualTo("3 failures in a row, the last no answer (TimeoutException)");
    assertThat(breaker.snapshot().since()).isEqualTo(clock.instant());
    assertThat(breaker.transitions(State.OPEN)).isEqualTo(1);
  }

  @Test
  void opensOnTheFailureRateOnceTheWindowHoldsEnoughAttempts() {
    CircuitBreaker breaker = breaker(TestBreakers.rate(0.5, Duration.ofSeconds(10), 10));

    for (int i = 0; i < 5; i++) {
      attempt(breaker, SENT);
    }
    for (int i = 0; i < 4; i++) {
      attempt(breaker, TRANSIENT);
    }
    assertThat(breaker.state()).as("4 of 9: under minimum-calls").isEqualTo(State.CLOSED);

    attempt(breaker, TRANSIENT);

    assertThat(breaker.state()).as("5 of 10 failed").isEqualTo(State.OPEN);
    assertThat(breaker.snapshot().reason())
        .isEqualTo("5 of 10 attempts failed within 10s, the last http_503");
  }

  @Test
  void failuresOlderThanTheWindowAreForgotten() {
    CircuitBreaker breaker = breaker(TestBreakers.rate(0.5, Duration.ofSeconds(10), 4));
    attempt(breaker, TRANSIENT);
    attempt(breaker, TRANSIENT);
    attempt(breaker, TRANSIENT);

    clock.advance(Duration.ofSeconds(11));
    attempt(breaker, SENT);
    attempt(breaker, SENT);
    attempt(breaker, SENT);
    attempt(breaker, TRANSIENT);

    assertThat(breaker.snapshot().recentAttempts()).isEqualTo(4);
    assertThat(breaker.snapshot().recentFailures()).isEqualTo(1);
    assertThat(breaker.state())
        .as("1 of the last 4; 4 of 7 without the slide")
        .isEqualTo(State.CLOSED);
  }

  @Test
  void permanentFailuresThrottlingAndLostSessionsNeverOpenIt() {
    CircuitBreaker breaker = breaker(TestBreakers.consecutive(2, Duration.ofSeconds(10), 1));

    for (int i = 0; i < 5; i++) {
      attempt(breaker, PERMANENT);
      attempt(breaker, new SendOutcome.NotAttempted("provider busy"));
      attempt(breaker, new SendOutcome.Throttled("ESME_RTHROTTLED", null));
      attempt(
          breaker,
          new SendOutcome.TransientFailure(ProviderRuntime.CONNECTION_LOST, "session ended", null));
    }

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.snapshot().consecutiveFailures()).isZero();
    assertThat(breaker.snapshot().recentAttempts()).as("none of them judged").isZero();

    // Nor do they break a run of real failures.
    attempt(breaker, TRANSIENT);
    attempt(breaker, PERMANENT);
    attempt(breaker, TRANSIENT);
    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }

  @Test
  void halfOpenAfterOpenForLetsBoundedTrialsThroughWhoseSuccessClosesIt() {
    CircuitBreaker breaker = breaker(TestBreakers.consecutive(1, Duration.ofSeconds(10), 2));
    attempt(breaker, TRANSIENT);
    Instant opened = clock.instant();

    clock.advance(Duration.ofMillis(9_999));
    assertThat(breaker.tryAcquire()).as("still open").isNull();

    clock.advance(Duration.ofSeconds(5));
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.snapshot().since()).as("dated when due").isEqualTo(opened.plusSeconds(10));
    CircuitBreaker.Permit first = breaker.tryAcquire();
    CircuitBreaker.Permit second = breaker.tryAcquire();
    assertThat(first).isNotNull();
    assertThat(second).isNotNull();
    assertThat(breaker.tryAcquire()).as("only two trials at once").isNull();
    assertThat(breaker.admits()).isFalse();

    breaker.record(first, SENT, null);
    assertThat(breaker.state()).as("one trial of two").isEqualTo(State.HALF_OPEN);
    breaker.record(second, SENT, null);

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.snapshot().reason()).isEqualTo("2 trials succeeded");
    assertThat(breaker.tryAcquire()).isNotNull();
    assertThat(breaker.transitions(State.OPEN)).isEqualTo(1);
    assertThat(breaker.transitions(State.HALF_OPEN)).isEqualTo(1);
    assertThat(breaker.transitions(State.CLOSED)).isEqualTo(1);
  }

  @Test
  void aFailedTrialOpensItAgainAndTheOtherTrialsNoLongerCount() {
    CircuitBreaker breaker = breaker(TestBreakers.consecutive(1, Duration.ofSeconds(10), 2));
    attempt(breaker, TRANSIENT);
    clock.advance(Duration.ofSeconds(10));
    CircuitBreaker.Permit first = breaker.tryAcquire();
    CircuitBreaker.Permit second = breaker.tryAcquire();

    breaker.record(first, TRANSIENT, null);
    breaker.record(second, SENT, null);

    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.snapshot().reason()).isEqualTo("a trial failed: http_503");
    assertThat(breaker.transitions(State.OPEN)).isEqualTo(2);
    clock.advance(Duration.ofSeconds(10));
    assertThat(breaker.state()).as("open-for again, then trials").isEqualTo(State.HALF_OPEN);
  }

  @Test
  void aTrialThatJudgesNothingFreesItsSlot() {
    CircuitBreaker breaker = breaker(TestBreakers.consecutive(1, Duration.ofSeconds(10), 1));
    attempt(breaker, TRANSIENT);
    clock.advance(Duration.ofSeconds(10));
    CircuitBreaker.Permit trial = breaker.tryAcquire();
    assertThat(breaker.admits()).isFalse();

    breaker.record(trial, PERMANENT, null);

    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.admits()).isTrue();
    assertThat(breaker.tryAcquire()).isNotNull();
  }

  @Test
  void outcomesOfAttemptsLetThroughBeforeASwitchJudgeNothing() {
    CircuitBreaker breaker = breaker(TestBreakers.consecutive(2, Duration.ofSeconds(10), 1));
    CircuitBreaker.Permit a = breaker.tryAcquire();
    CircuitBreaker.Permit b = breaker.tryAcquire();
    CircuitBreaker.Permit late = breaker.tryAcquire();
    breaker.record(a, TRANSIENT, null);
    breaker.record(b, TRANSIENT, null);
    assertThat(breaker.state()).isEqualTo(State.OPEN);

    clock.advance(Duration.ofSeconds(10));
    breaker.record(late, TRANSIENT, null);

    assertThat(breaker.state())
        .as("not a trial: it was sent while closed")
        .isEqualTo(State.HALF_OPEN);
    assertThat(breaker.admits()).isTrue();
  }

  @Test
  void aDisabledBreakerNeverOpens() {
    CircuitBreaker breaker = breaker(TestBreakers.off());

    for (int i = 0; i < 100; i++) {
      attempt(breaker, TRANSIENT);
    }

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.tryAcquire()).isNotNull();
  }

  @Test
  void anInstanceBlockOverridesItsTypeWhichOverridesTheRuntimeDefaults() {
    ProviderSettings settings = ProviderSettings.create(ConfigFactory.load());
    assertThat(settings.circuitBreaker())
        .isEqualTo(
            new CircuitBreakerSettings(
                true, 5, 0.5, Duration.ofSeconds(60), 20, Duration.ofSeconds(30), 3));

    CircuitBreakerSettings own =
        settings.circuitBreakerFor(
            ConfigFactory.parseString("circuit-breaker { enabled = off, open-for = 5s }"),
            ConfigFactory.parseString("uri = x, circuit-breaker { enabled = on, window = 10s }"));

    assertThat(own)
        .isEqualTo(
            new CircuitBreakerSettings(
                true, 5, 0.5, Duration.ofSeconds(10), 20, Duration.ofSeconds(5), 3));
    assertThatThrownBy(
            () ->
                settings.circuitBreakerFor(
                    ConfigFactory.empty(),
                    ConfigFactory.parseString("circuit-breaker.failure-rate = 50")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("circuit-breaker: failure-rate");
  }

  private CircuitBreaker breaker(CircuitBreakerSettings settings) {
    return new CircuitBreaker("smpp", "sms", settings, clock);
  }

  private static void attempt(CircuitBreaker breaker, SendOutcome outcome) {
    breaker.record(breaker.tryAcquire(), outcome, null);
  }
}
