package dev.switchboard.engine.delivery;

import com.typesafe.config.Config;
import java.time.Duration;

/** {@code switchboard.engine.delivery}, read once. */
public record DeliverySettings(
    int maxAttempts,
    Duration retryMinBackoff,
    Duration retryMaxBackoff,
    Duration providerTimeout,
    Duration jobTimeout,
    Duration askTimeout,
    Duration publishTimeout,
    Duration retryAfter,
    Duration journalFailureMinBackoff,
    Duration journalFailureMaxBackoff) {

  public static DeliverySettings create(Config root) {
    Config c = root.getConfig("switchboard.engine.delivery");
    return new DeliverySettings(
        c.getInt("max-attempts"),
        c.getDuration("retry-backoff.min"),
        c.getDuration("retry-backoff.max"),
        c.getDuration("provider-timeout"),
        c.getDuration("job-timeout"),
        c.getDuration("ask-timeout"),
        c.getDuration("publish-timeout"),
        c.getDuration("retry-after"),
        c.getDuration("journal-failure-backoff.min"),
        c.getDuration("journal-failure-backoff.max"));
  }

  /**
   * The wait before attempt {@code attempt + 1}: doubling from the minimum, capped, with jitter.
   */
  public Duration backoffAfter(int attempt, double random) {
    long min = retryMinBackoff.toMillis();
    long capped = Math.min(retryMaxBackoff.toMillis(), min << Math.min(attempt - 1, 20));
    return Duration.ofMillis((long) (capped * (0.8 + 0.4 * random)));
  }
}
