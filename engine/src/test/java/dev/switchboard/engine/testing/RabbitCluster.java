package dev.switchboard.engine.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A RabbitMQ cluster of private {@link RabbitNode}s on this host, for quorum-queue tests: node 1 is
 * started alone, every other node is joined to it ({@code stop_app}, {@code reset}, {@code
 * join_cluster <node 1>}, {@code start_app}).
 *
 * <p>Joining needs one Erlang cookie on every node and on the CLI. There is one here because every
 * node and every {@code rabbitmqctl} runs as the {@code rabbitmq} user (the Debian wrapper switches
 * to it) with that user's {@code HOME}, {@code /var/lib/rabbitmq}, whose {@code .erlang.cookie}
 * they all read; {@link RabbitNode} sets neither {@code HOME} nor a cookie. (The shared node has
 * the same cookie: nothing here ever names it.)
 *
 * <pre>{@code
 * try (RabbitCluster cluster = RabbitCluster.start(3)) {
 *   String uris = cluster.amqpUris(); // "amqp://...:p1,amqp://...:p2,amqp://...:p3"
 *   cluster.node(1).stopNode();
 *   cluster.node(1).startNode();
 *   cluster.awaitWhole(Duration.ofSeconds(60));
 * }
 * }</pre>
 */
public final class RabbitCluster implements AutoCloseable {
  private static final Pattern RUNNING_NODES =
      Pattern.compile("\"running_nodes\"\\s*:\\s*\\[(.*?)]");

  private final List<RabbitNode> nodes;

  private RabbitCluster(List<RabbitNode> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  /**
   * Starts {@code size} nodes (in parallel) on distinct free ports and joins them into one cluster;
   * returns once every node sees all of them running. On any failure every node started is closed.
   */
  public static RabbitCluster start(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("a cluster needs a node: " + size);
    }
    Set<Integer> ports = new LinkedHashSet<>();
    while (ports.size() < size) {
      ports.add(RabbitNode.freePort());
    }
    ExecutorService starter = Executors.newFixedThreadPool(size);
    List<Future<RabbitNode>> starting = new ArrayList<>();
    for (int port : ports) {
      starting.add(starter.submit(() -> RabbitNode.start(port)));
    }
    starter.shutdown();
    List<RabbitNode> started = new ArrayList<>();
    RuntimeException failure = null;
    for (Future<RabbitNode> future : starting) {
      try {
        started.add(future.get());
      } catch (ExecutionException e) {
        failure = addTo(failure, e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = addTo(failure, e);
      }
    }
    RabbitCluster cluster = new RabbitCluster(started);
    try {
      if (failure != null) {
        throw failure;
      }
      RabbitNode first = started.get(0);
      for (RabbitNode node : started.subList(1, started.size())) {
        node.ctl("stop_app");
        node.ctl("reset");
        node.ctl("join_cluster", first.nodeName());
        node.startApp();
      }
      cluster.awaitWhole(Duration.ofSeconds(60));
      return cluster;
    } catch (RuntimeException e) {
      try {
        cluster.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  public List<RabbitNode> nodes() {
    return nodes;
  }

  /** The {@code index}-th node, from 0; node 0 is the one the others joined. */
  public RabbitNode node(int index) {
    return nodes.get(index);
  }

  /** Every node's AMQP URI, comma-separated, in node order: one site of {@code broker.sites}. */
  public String amqpUris() {
    return nodes.stream().map(RabbitNode::amqpUri).collect(Collectors.joining(","));
  }

  /** The nodes {@code via} reports running in its cluster ({@code cluster_status}). */
  public Set<String> runningNodes(RabbitNode via) {
    Matcher m = RUNNING_NODES.matcher(via.ctl("cluster_status", "--formatter", "json"));
    if (!m.find()) {
      return Set.of();
    }
    Set<String> running = new LinkedHashSet<>();
    for (String name : m.group(1).split(",")) {
      String trimmed = name.trim().replace("\"", "");
      if (!trimmed.isEmpty()) {
        running.add(trimmed);
      }
    }
    return running;
  }

  /**
   * Every quorum queue of the default vhost as {@code via} lists it: one line per queue, {@code
   * name leader members online}, tab-separated.
   */
  public List<String> quorumQueues(RabbitNode via) {
    return via.ctl(
            "list_queues",
            "--quiet",
            "--no-table-headers",
            "name",
            "type",
            "leader",
            "members",
            "online")
        .lines()
        .filter(line -> line.contains("\tquorum\t"))
        .toList();
  }

  /**
   * Waits, at most {@code bound}, until the cluster is whole: every node reports every node
   * running, and every quorum queue has a leader and all its replicas online.
   */
  public void awaitWhole(Duration bound) {
    List<String> lastSeen = new ArrayList<>();
    try {
      await("cluster of " + nodes.size() + " whole")
          .atMost(bound)
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(() -> whole(lastSeen));
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(
          "cluster not whole within " + bound + "; last seen:\n" + String.join("\n", lastSeen), e);
    }
  }

  private boolean whole(List<String> lastSeen) {
    lastSeen.clear();
    Set<String> all = nodes.stream().map(RabbitNode::nodeName).collect(Collectors.toSet());
    for (RabbitNode via : nodes) {
      Set<String> running = runningNodes(via);
      lastSeen.add(via.nodeName() + " sees running " + running);
      if (!running.equals(all)) {
        return false;
      }
    }
    List<String> queues = quorumQueues(nodes.get(0));
    lastSeen.addAll(queues);
    return queues.stream().allMatch(line -> replicasOnline(line, all));
  }

  // name, type, leader, members, online: a leader, and every node among the online replicas.
  private static boolean replicasOnline(String line, Set<String> all) {
    String[] columns = line.split("\t");
    return columns.length >= 5
        && !columns[2].isBlank()
        && all.stream().allMatch(node -> columns[4].contains(node));
  }

  /** Stops every node (killing any that does not stop) and deletes their directories. */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (RabbitNode node : nodes) {
      try {
        node.close();
      } catch (RuntimeException e) {
        failure = addTo(failure, e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static RuntimeException addTo(RuntimeException first, Throwable next) {
    if (first == null) {
      return next instanceof RuntimeException r ? r : new IllegalStateException(next);
    }
    first.addSuppressed(next);
    return first;
  }

  @Override
  public String toString() {
    return "RabbitCluster" + nodes;
  }
}
