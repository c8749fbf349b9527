package dev.switchboard.engine.provider;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * When one provider instance's {@link CircuitBreaker} opens and how it closes again: a {@code
 * circuit-breaker} block of {@code switchboard.engine.provider-runtime}, of a provider type's
 * defaults ({@code switchboard.providers.<type>}) or of an instance.
 *
 * @param consecutiveFailures failures in a row that open it; 0: no such rule
 * @param failureRate the share of failed attempts within {@code window} that opens it (0.5 is
 *     half), once there were at least {@code minimumCalls}; 0: no such rule
 * @param openFor how long an open breaker sends nothing before it lets trials through
 * @param halfOpenTrials trial attempts let through at once when half-open; that many successes
 *     close it, one failure opens it again
 */
public record CircuitBreakerSettings(
    boolean enabled,
    int consecutiveFailures,
    double failureRate,
    Duration window,
    int minimumCalls,
    Duration openFor,
    int halfOpenTrials) {

  public CircuitBreakerSettings {
    require(consecutiveFailures >= 0, "consecutive-failures must not be negative");
    require(failureRate >= 0 && failureRate <= 1, "failure-rate is a share from 0 to 1");
    require(window.toMillis() >= 10, "window must be at least 10ms");
    require(minimumCalls >= 1, "minimum-calls must be at least 1");
    require(!openFor.isNegative() && !openFor.isZero(), "open-for must be positive");
    require(halfOpenTrials >= 1, "half-open-trials must be at least 1");
  }

  /** Reads a whole block: every key must be there. */
  public static CircuitBreakerSettings create(Config c) {
    return new CircuitBreakerSettings(
        c.getBoolean("enabled"),
        c.getInt("consecutive-failures"),
        c.getDouble("failure-rate"),
        c.getDuration("window"),
        c.getInt("minimum-calls"),
        c.getDuration("open-for"),
        c.getInt("half-open-trials"));
  }

  /** These settings with the keys {@code block} sets in their place. */
  public CircuitBreakerSettings overriddenBy(Config c) {
    return new CircuitBreakerSettings(
        c.hasPath("enabled") ? c.getBoolean("enabled") : enabled,
        c.hasPath("consecutive-failures") ? c.getInt("consecutive-failures") : consecutiveFailures,
        c.hasPath("failure-rate") ? c.getDouble("failure-rate") : failureRate,
        c.hasPath("window") ? c.getDuration("window") : window,
        c.hasPath("minimum-calls") ? c.getInt("minimum-calls") : minimumCalls,
        c.hasPath("open-for") ? c.getDuration("open-for") : openFor,
        c.hasPath("half-open-trials") ? c.getInt("half-open-trials") : halfOpenTrials);
  }

  private static void require(boolean valid, String rule) {
    if (!valid) {
      throw new IllegalArgumentException("circuit-breaker: " + rule);
    }
  }
}
