package dev.switchboard.engine.broker;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * The broker state of one channel as gauges read from its {@link ChannelBrokerHealth}: connection
 * up/blocked, reconnects, active site and fail-overs, per role and site.
 */
public final class BrokerMetrics {
  private BrokerMetrics() {}

  public static void register(MeterRegistry meters, String channel, ChannelBrokerHealth health) {
    connection(meters, channel, "publisher", "active", health.publisher());
    health
        .consumers()
        .forEach((site, consumer) -> connection(meters, channel, "consumer", site, consumer));
    SiteSelector sites = health.sites();
    gauge(meters, "switchboard.broker.failovers", sites, SiteSelector::failovers, channel);
    for (Site site : sites.sites()) {
      Gauge.builder(
              "switchboard.broker.site.active",
              sites,
              s -> s.active().name().equals(site.name()) ? 1 : 0)
          .tags("channel", channel, "site", site.name())
          .register(meters);
    }
  }

  private static void connection(
      MeterRegistry meters, String channel, String role, String site, ConnectionHealth health) {
    String[] tags = {"channel", channel, "role", role, "site", site};
    Gauge.builder(
            "switchboard.broker.connection.up",
            health,
            h -> h.state() == ConnectionHealth.State.UP ? 1 : 0)
        .tags(tags)
        .register(meters);
    Gauge.builder(
            "switchboard.broker.connection.blocked",
            health,
            h -> h.state() == ConnectionHealth.State.BLOCKED ? 1 : 0)
        .tags(tags)
        .register(meters);
    Gauge.builder("switchboard.broker.reconnects", health, ConnectionHealth::reconnects)
        .tags(tags)
        .register(meters);
  }

  private static <T> void gauge(
      MeterRegistry meters, String name, T source, ToDoubleFunction<T> value, String channel) {
    Gauge.builder(name, source, value).tags("channel", channel).register(meters);
  }
}
