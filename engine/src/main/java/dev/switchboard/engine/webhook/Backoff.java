package dev.switchboard.engine.webhook;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the wait after the n-th failed attempt is uniform in [0,
 * min(max, min * multiplier^(n-1))], so receivers that come back are not hit by every sender at
 * once.
 */
public record Backoff(Duration min, Duration max, double multiplier) {

  /** The ceiling of the wait after {@code failedAttempts} (at least 1) failures. */
  public Duration cap(int failedAttempts) {
    double millis = min.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempts - 1));
    return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
  }

  /** A random wait in [0, cap]. */
  public Duration delay(int failedAttempts, RandomGenerator random) {
    long cap = cap(failedAttempts).toMillis();
    return Duration.ofMillis(cap <= 0 ? 0 : random.nextLong(cap + 1));
  }
}
