package dev.switchboard.engine.broker;

import com.typesafe.config.Config;
import dev.switchboard.engine.Redaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@code switchboard.broker}, read once. */
public record BrokerSettings(
    List<Site> sites,
    Duration heartbeat,
    Duration connectTimeout,
    Duration rpcTimeout,
    Duration closeTimeout,
    Duration confirmTimeout,
    int maxUnconfirmed,
    int prefetch,
    int deliveryLimit,
    Duration restartMinBackoff,
    Duration restartMaxBackoff,
    double restartRandomFactor,
    int failoverAfterAttempts,
    Duration failoverAfter,
    Duration failbackAfter,
    Duration failbackCheckInterval,
    Duration queueSampleInterval,
    Duration gateCheckInterval,
    String blockingDispatcher) {

  public static BrokerSettings create(Config root) {
    Config c = root.getConfig("switchboard.broker");
    String sitesText = c.getString("sites");
    List<Site> sites =
        sitesText.isBlank()
            ? List.of(new Site("primary", List.of(c.getString("uri"))))
            : parseSites(sitesText);
    return new BrokerSettings(
        sites,
        c.getDuration("heartbeat"),
        c.getDuration("connect-timeout"),
        c.getDuration("rpc-timeout"),
        c.getDuration("close-timeout"),
        c.getDuration("confirm-timeout"),
        c.getInt("max-unconfirmed"),
        c.getInt("prefetch"),
        c.getInt("delivery-limit"),
        c.getDuration("restart-backoff.min"),
        c.getDuration("restart-backoff.max"),
        c.getDouble("restart-backoff.random-factor"),
        c.getInt("failover.after-attempts"),
        c.getDuration("failover.after"),
        c.getDuration("failover.failback-after"),
        c.getDuration("failover.check-interval"),
        c.getDuration("queue-sample-interval"),
        c.getDuration("gate-check-interval"),
        "switchboard.broker.blocking-dispatcher");
  }

  /** Parses {@code primary=amqp://a,amqp://b;secondary=amqp://c} into sites, in order. */
  public static List<Site> parseSites(String text) {
    List<Site> sites = new ArrayList<>();
    for (String part : text.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq < 0 || part.substring(0, eq).isBlank()) {
        throw new IllegalArgumentException(
            "broker sites: expected name=uri[,uri...] but got '"
                + Redaction.text(part.trim())
                + "'");
      }
      List<String> uris =
          Arrays.stream(part.substring(eq + 1).split(","))
              .map(String::trim)
              .filter(u -> !u.isEmpty())
              .toList();
      String name = part.substring(0, eq).trim();
      if (!name.matches("[A-Za-z0-9_-]+")) {
        throw new IllegalArgumentException(
            "broker sites: a site name is letters, digits, '_' or '-', not '" + name + "'");
      }
      sites.add(new Site(name, uris));
    }
    if (sites.isEmpty()) {
      throw new IllegalArgumentException(
          "broker sites: none given in '" + Redaction.text(text) + "'");
    }
    return List.copyOf(sites);
  }
}
