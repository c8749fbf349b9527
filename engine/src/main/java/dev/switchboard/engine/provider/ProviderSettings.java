package dev.switchboard.engine.provider;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;

/**
 * {@code switchboard.engine.provider-runtime}, read once: how the runtime drives every provider
 * instance unless the instance says otherwise.
 */
public record ProviderSettings(
    ProviderLimits limits,
    Duration sendTimeout,
    Duration queueTimeout,
    Duration throttlePause,
    Duration openTimeout,
    Duration closeTimeout,
    Duration restartMinBackoff,
    Duration restartMaxBackoff,
    double restartRandomFactor,
    Duration receiptCorrelationWindow,
    int recentIds,
    CircuitBreakerSettings circuitBreaker) {

  public static ProviderSettings create(Config root) {
    Config c = root.getConfig("switchboard.engine.provider-runtime");
    return new ProviderSettings(
        new ProviderLimits(c.getInt("window"), c.getDouble("tps")),
        c.getDuration("send-timeout"),
        c.getDuration("queue-timeout"),
        c.getDuration("throttle-pause"),
        c.getDuration("open-timeout"),
        c.getDuration("close-timeout"),
        c.getDuration("restart-backoff.min"),
        c.getDuration("restart-backoff.max"),
        c.getDouble("restart-backoff.random-factor"),
        c.getDuration("receipt-correlation-window"),
        c.getInt("recent-ids"),
        CircuitBreakerSettings.create(c.getConfig("circuit-breaker")));
  }

  /** The limits of one instance: its adapter's, else its block's keys, else the defaults. */
  public ProviderLimits limitsFor(ProviderAdapter adapter, Config instance) {
    ProviderLimits own = adapter.limits();
    if (own != null) {
      return own;
    }
    return new ProviderLimits(
        instance.hasPath("window") ? instance.getInt("window") : limits.window(),
        instance.hasPath("tps") ? instance.getDouble("tps") : limits.perSecond());
  }

  /**
   * The circuit breaker of one instance: its block's {@code circuit-breaker} keys, else its type's
   * ({@code switchboard.providers.<type>.circuit-breaker}, given as {@code typeDefaults}), else the
   * runtime's.
   */
  public CircuitBreakerSettings circuitBreakerFor(Config typeDefaults, Config instance) {
    return circuitBreaker
        .overriddenBy(block(typeDefaults, "circuit-breaker"))
        .overriddenBy(block(instance, "circuit-breaker"));
  }

  private static Config block(Config config, String path) {
    return config.hasPath(path) ? config.getConfig(path) : ConfigFactory.empty();
  }
}
