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
    Duration journalFailureMaxBackoff,
    Duration idleTimeout) {

  public DeliverySettings {
    Duration allAttempts =
        allAttempts(maxAttempts, providerTimeout, retryMinBackoff, retryMaxBackoff);
    if (jobTimeout.compareTo(allAttempts) <= 0) {
      throw new IllegalArgumentException(
          "switchboard.engine.delivery.job-timeout ("
              + jobTimeout.toMillis()
              + " ms) must be longer than every attempt together can take ("
              + allAttempts.toMillis()
              + " ms: max-attempts x provider-timeout plus the longest backoffs); otherwise a job"
              + " goes back to the broker while its message is still being sent");
    }
  }

  /** The longest a message's attempts can take with these settings (backoffs at +20% jitter). */
  static Duration allAttempts(
      int maxAttempts, Duration providerTimeout, Duration min, Duration max) {
    Duration total = providerTimeout.multipliedBy(maxAttempts);
    for (int attempt = 1; attempt < maxAttempts; attempt++) {
      long capped = Math.min(max.toMillis(), min.toMillis() << Math.min(attempt - 1, 20));
      total = total.plusMillis((long) (capped * 1.2));
    }
    return total;
  }

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
        c.getDuration("journal-failure-backoff.max"),
        c.getDuration("idle-timeout"));
  }

  /** The longest wait between two attempts: the capped backoff at its +20% jitter. */
  public Duration longestBackoff() {
    return Duration.ofMillis((long) (retryMaxBackoff.toMillis() * 1.2));
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
