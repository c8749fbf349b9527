package dev.switchboard.engine.broker;

import dev.switchboard.engine.health.ComponentReport;
import dev.switchboard.engine.health.HealthComponent;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code broker.<channel>} component: up when the publisher and the consumer of the active site
 * are up. The consumers of other sites are shown too. Down, it makes the node degraded, never
 * unready: the API accepts into the outbox.
 */
public final class ChannelBrokerHealth implements HealthComponent {
  private final String channel;
  private final ConnectionHealth publisher;
  private final Map<String, ConnectionHealth> consumers;
  private final SiteSelector sites;

  private ChannelBrokerHealth(
      String channel,
      ConnectionHealth publisher,
      Map<String, ConnectionHealth> consumers,
      SiteSelector sites) {
    this.channel = channel;
    this.publisher = publisher;
    this.consumers = consumers;
    this.sites = sites;
  }

  /** Fresh health for a channel: one publisher, one consumer per site. */
  public static ChannelBrokerHealth create(String channel, SiteSelector sites, Clock clock) {
    Map<String, ConnectionHealth> consumers = new LinkedHashMap<>();
    sites.sites().forEach(site -> consumers.put(site.name(), new ConnectionHealth(clock)));
    return new ChannelBrokerHealth(
        channel,
        new ConnectionHealth(clock),
        java.util.Collections.unmodifiableMap(consumers),
        sites);
  }

  public ConnectionHealth publisher() {
    return publisher;
  }

  /** The consumer connection of each site, by site name, in priority order. */
  public Map<String, ConnectionHealth> consumers() {
    return consumers;
  }

  public SiteSelector sites() {
    return sites;
  }

  @Override
  public String name() {
    return "broker." + channel;
  }

  // A node whose broker is down still accepts into the outbox (ADR 9): a shared broker's outage
  // must not take every node out of its load balancer at once.
  @Override
  public boolean requiredForReadiness() {
    return false;
  }

  @Override
  public ComponentReport report() {
    ConnectionHealth activeConsumer = consumers.get(sites.active().name());
    ConnectionHealth.State state = worse(publisher.state(), activeConsumer.state());
    Map<String, Object> pub = publisher.details();
    ConnectionHealth latest =
        Stream.concat(Stream.of(publisher), consumers.values().stream())
            .filter(h -> h.lastErrorAt() != null)
            .max(Comparator.comparing(ConnectionHealth::lastErrorAt))
            .orElse(null);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("state", state.name());
    details.put("site", sites.active().name());
    details.put("node", pub.get("node"));
    details.put(
        "reconnects",
        publisher.reconnects()
            + consumers.values().stream().mapToLong(ConnectionHealth::reconnects).sum());
    details.put("failovers", sites.failovers());
    details.put("lastError", latest == null ? null : latest.lastError());
    details.put("lastErrorAt", latest == null ? null : latest.lastErrorAt().toString());
    details.put(
        "since",
        publisher.state() == state ? pub.get("since") : activeConsumer.details().get("since"));
    details.put("publisher", pub);
    Map<String, Object> bySite = new LinkedHashMap<>();
    consumers.forEach((site, health) -> bySite.put(site, health.details()));
    details.put("consumers", bySite);
    return new ComponentReport(state == ConnectionHealth.State.UP, details);
  }

  private static ConnectionHealth.State worse(ConnectionHealth.State a, ConnectionHealth.State b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }
}
