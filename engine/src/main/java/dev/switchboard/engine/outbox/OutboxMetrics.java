package dev.switchboard.engine.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** One channel's outbox in {@code /metrics}. */
public final class OutboxMetrics {
  private OutboxMetrics() {}

  /** Registers the channel's gauges and answers the counter of messages its relay published. */
  public static Counter register(MeterRegistry meters, String channel, OutboxState state) {
    Gauge.builder("switchboard_outbox_depth", state, OutboxState::depth)
        .description("Accepted messages waiting in the journal for the relay to publish them")
        .tag("channel", channel)
        .register(meters);
    Gauge.builder("switchboard_outbox_oldest_age_seconds", state, OutboxState::oldestAgeSeconds)
        .description("How long the oldest message waiting in the outbox has waited")
        .tag("channel", channel)
        .register(meters);
    Gauge.builder("switchboard_outbox_relaying", state, s -> s.direct() ? 0 : 1)
        .description("1 while the relay, not the API, publishes the channel's messages")
        .tag("channel", channel)
        .register(meters);
    return Counter.builder("switchboard_outbox_published")
        .description("Messages the relay published from the journal, confirmed")
        .tag("channel", channel)
        .register(meters);
  }
}
