package dev.switchboard.engine.broker;

import dev.switchboard.engine.health.ComponentReport;
import dev.switchboard.engine.health.HealthComponent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code broker.<channel>} component: up only when both its publisher and its consumer
 * connection are up (a node that cannot consume is not ready; one that cannot publish cannot
 * accept).
 */
public record ChannelBrokerHealth(
    String channel, ConnectionHealth publisher, ConnectionHealth consumer)
    implements HealthComponent {

  @Override
  public String name() {
    return "broker." + channel;
  }

  @Override
  public ComponentReport report() {
    Map<String, Object> pub = publisher.details();
    Map<String, Object> con = consumer.details();
    boolean up =
        publisher.state() == ConnectionHealth.State.UP
            && consumer.state() == ConnectionHealth.State.UP;
    ConnectionHealth latest = latestError();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("state", worse(publisher.state(), consumer.state()).name());
    details.put("site", con.get("site") != null ? con.get("site") : pub.get("site"));
    details.put("node", con.get("node") != null ? con.get("node") : pub.get("node"));
    details.put("reconnects", publisher.reconnects() + consumer.reconnects());
    details.put("lastError", latest == null ? null : latest.lastError());
    details.put(
        "lastErrorAt",
        latest == null || latest.lastErrorAt() == null ? null : latest.lastErrorAt().toString());
    details.put("since", up ? later(pub.get("since"), con.get("since")) : since(pub, con));
    details.put("publisher", pub);
    details.put("consumer", con);
    return new ComponentReport(up, details);
  }

  private ConnectionHealth latestError() {
    if (publisher.lastErrorAt() == null) {
      return consumer.lastErrorAt() == null ? null : consumer;
    }
    if (consumer.lastErrorAt() == null) {
      return publisher;
    }
    return publisher.lastErrorAt().isAfter(consumer.lastErrorAt()) ? publisher : consumer;
  }

  private static ConnectionHealth.State worse(ConnectionHealth.State a, ConnectionHealth.State b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }

  // When not up, "since" is when the worse of the two connections entered its state.
  private Object since(Map<String, Object> pub, Map<String, Object> con) {
    return publisher.state().ordinal() >= consumer.state().ordinal()
        ? pub.get("since")
        : con.get("since");
  }

  private static Object later(Object a, Object b) {
    return String.valueOf(a).compareTo(String.valueOf(b)) >= 0 ? a : b;
  }
}
