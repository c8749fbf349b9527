package dev.switchboard.engine.outbox;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code switchboard.engine.outbox}: how the relay reads the journal and when the API stops
 * accepting into it.
 *
 * @param pageSize accepted messages read from the journal per query
 * @param retryInterval the pause before a relay tries the broker again after a failed publish
 * @param lookback how far back a relay starts when the API could not publish: every message
 *     journaled this long before is published again (the broker may never have confirmed it)
 * @param maxDepth accepted messages waiting in the outbox at which the API answers 503; 0: no limit
 */
public record OutboxSettings(
    int pageSize, Duration retryInterval, Duration lookback, long maxDepth) {

  public static OutboxSettings create(Config root) {
    Config c = root.getConfig("switchboard.engine.outbox");
    OutboxSettings s =
        new OutboxSettings(
            c.getInt("page-size"),
            c.getDuration("retry-interval"),
            c.getDuration("lookback"),
            c.getLong("max-depth"));
    if (s.pageSize < 1
        || s.maxDepth < 0
        || s.retryInterval.isNegative()
        || s.lookback.isNegative()) {
      throw new IllegalArgumentException(
          "switchboard.engine.outbox: page-size must be at least 1, max-depth, retry-interval and"
              + " lookback not negative");
    }
    return s;
  }
}
