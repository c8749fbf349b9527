package dev.switchboard.engine.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Helpers for the shared RabbitMQ node ({@code rabbit@localhost}, 127.0.0.1:5672) that ordinary
 * integration tests use: each test class works in a vhost of its own, so tests cannot see each
 * other's queues. Tests that stop or break a broker use a {@link RabbitNode} instead.
 *
 * <p>Runs {@code rabbitmqctl} against its default node (the one named in {@code
 * /etc/rabbitmq/rabbitmq-env.conf}); never stops or reconfigures that node.
 */
public final class SharedBroker {

  /** The shared node's AMQP address, without vhost. */
  public static final String BASE_URI = "amqp://guest:guest@127.0.0.1:5672";

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]+");

  private SharedBroker() {}

  /**
   * Creates a vhost named {@code prefix} plus a random suffix on the shared node, gives {@code
   * guest} full permissions on it and returns {@code amqp://guest:guest@127.0.0.1:5672/<vhost>}.
   * Delete it afterwards with {@link #deleteVhost(String)}; {@link #vhostOf(String)} recovers the
   * name from the URI.
   */
  public static String freshVhostUri(String prefix) {
    if (!SAFE_NAME.matcher(prefix).matches()) {
      throw new IllegalArgumentException("vhost prefix must match " + SAFE_NAME + ": " + prefix);
    }
    String vhost = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    ctl("add_vhost", vhost);
    try {
      ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
    } catch (RuntimeException e) {
      try {
        deleteVhost(vhost);
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    return BASE_URI + "/" + vhost;
  }

  /** The vhost at the end of a URI returned by {@link #freshVhostUri(String)}. */
  public static String vhostOf(String uri) {
    if (!uri.startsWith(BASE_URI + "/")) {
      throw new IllegalArgumentException("not a shared-broker vhost URI: " + uri);
    }
    return uri.substring(BASE_URI.length() + 1);
  }

  /** Deletes {@code vhost} (and everything in it) from the shared node. */
  public static void deleteVhost(String vhost) {
    if (vhost.isEmpty() || "/".equals(vhost)) {
      throw new IllegalArgumentException("refusing to delete the default vhost");
    }
    ctl("delete_vhost", vhost);
  }

  /**
   * Force-closes the connections in {@code vhost} whose client-provided name ends with {@code
   * suffix} (Switchboard names them {@code switchboard-<role>-<channel>}).
   *
   * @return how many were closed
   */
  public static int closeConnections(String vhost, String suffix) {
    int closed = 0;
    for (String line :
        ctl("list_connections", "-q", "pid", "vhost", "client_properties").split("\n")) {
      String[] columns = line.split("\t");
      if (columns.length < 3 || !columns[1].equals(vhost)) {
        continue;
      }
      java.util.regex.Matcher name =
          Pattern.compile("\\{\"connection_name\",\"([^\"]*)\"\\}").matcher(columns[2]);
      if (name.find() && name.group(1).endsWith(suffix)) {
        ctl("close_connection", columns[0], "closed-by-test");
        closed++;
      }
    }
    return closed;
  }

  /** Every queue of {@code vhost} by name, with its ready and unacked counts. */
  public static Map<String, RabbitNode.QueueCounts> queueCounts(String vhost) {
    return RabbitNode.QueueCounts.parse(
        "shared:" + vhost, ctl(RabbitNode.QueueCounts.listArgs(vhost)));
  }

  /** One queue of {@code vhost}; throws when there is no such queue. */
  public static RabbitNode.QueueCounts queueCounts(String vhost, String queue) {
    RabbitNode.QueueCounts counts = queueCounts(vhost).get(queue);
    if (counts == null) {
      throw new IllegalStateException("no queue " + queue + " in vhost " + vhost);
    }
    return counts;
  }

  private static String ctl(String... args) {
    return Commands.rabbitmqctl(Map.of(), TIMEOUT, List.of(args)).orThrow();
  }
}
