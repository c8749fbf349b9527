package dev.switchboard.engine.optout;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code switchboard.engine.opt-outs}, read once.
 *
 * @param refreshInterval how often each node reads the opt-outs other nodes wrote
 * @param refreshOverlap rows changed this long before the newest one seen are read again (a write
 *     that commits late, or a node whose clock is behind, still gets seen)
 */
public record OptOutSettings(Duration refreshInterval, Duration refreshOverlap) {

  public OptOutSettings {
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException(
          "switchboard.engine.opt-outs.refresh-interval must be positive");
    }
  }

  public static OptOutSettings create(Config root) {
    Config c = root.getConfig("switchboard.engine.opt-outs");
    return new OptOutSettings(c.getDuration("refresh-interval"), c.getDuration("refresh-overlap"));
  }
}
