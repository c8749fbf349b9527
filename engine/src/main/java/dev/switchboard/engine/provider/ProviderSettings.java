package dev.switchboard.engine.provider;

import com.typesafe.config.Config;
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
    int recentIds) {

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
        c.getInt("recent-ids"));
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
}
