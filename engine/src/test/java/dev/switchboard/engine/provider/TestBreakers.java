package dev.switchboard.engine.provider;

import java.time.Duration;

/** Circuit breaker settings for tests that set only what they are about. */
final class TestBreakers {
  private TestBreakers() {}

  /** Never opens: for tests about something else. */
  static CircuitBreakerSettings off() {
    return new CircuitBreakerSettings(
        false, 5, 0.5, Duration.ofSeconds(60), 20, Duration.ofSeconds(30), 1);
  }

  /** Opens after {@code failures} in a row only; {@code trials} successes close it again. */
  static CircuitBreakerSettings consecutive(int failures, Duration openFor, int trials) {
    return new CircuitBreakerSettings(
        true, failures, 0, Duration.ofSeconds(60), 1, openFor, trials);
  }

  /** Opens on the failure rate only. */
  static CircuitBreakerSettings rate(double rate, Duration window, int minimumCalls) {
    return new CircuitBreakerSettings(
        true, 0, rate, window, minimumCalls, Duration.ofSeconds(30), 1);
  }
}
