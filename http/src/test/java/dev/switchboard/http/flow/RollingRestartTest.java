package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.engine.testing.RabbitCluster;
import dev.switchboard.engine.testing.RabbitNode;
import dev.switchboard.http.testing.HealthWatch;
import dev.switchboard.http.testing.Resources;
import dev.switchboard.http.testing.Sent;
import dev.switchboard.http.testing.TestNode;
import dev.switchboard.http.testing.TrafficChecker;
import dev.switchboard.http.testing.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A rolling restart of a three-node RabbitMQ cluster under load: the node's one broker site lists
 * all three nodes, its queues are quorum queues with a replica on each; the nodes are stopped and
 * started one at a time (the cluster whole again in between) while a background sender keeps
 * sending. No send is refused (a node of the broker away is the connection's business, and at worst
 * the outbox's), readiness answers {@code 200} throughout, nothing accepted is lost, duplicates are
 * counted and bounded, the engine never restarts, and once the last node is back every broker
 * component is up and the node delivers at full speed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 280, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RollingRestartTest {
  private static final String NAME = "RollingRestartTest";

  private static final Duration READY_BOUND = Duration.ofSeconds(60);
  private static final Duration WHOLE_BOUND = Duration.ofSeconds(60);
  private static final Duration FLOWING_BOUND = Duration.ofSeconds(30);
  private static final Duration TERMINAL_BOUND = Duration.ofSeconds(90);
  // The background sender: one keyed send every 40 ms, bounded in count and time.
  private static final long SEND_EVERY_MILLIS = 40;
  private static final int MAX_SENDS = 5000;
  private static final Duration MAX_SENDING = Duration.ofSeconds(150);
  // Throughput once the last node is back: this many accepted and delivered within the bound.
  private static final int THROUGHPUT_MESSAGES = 200;
  private static final Duration THROUGHPUT_BOUND = Duration.ofSeconds(60);

  /**
   * Provider sends beyond what the recipients need. None are expected: a job redelivered when its
   * consumer's node stops finds its entity sending (it waits for that attempt), retrying (it waits
   * for the retry) or done (it is acked as a duplicate job), and a message the outbox publishes
   * again (it starts a little before the publish that failed) is recognised as a duplicate job. The
   * one legitimate way to a second send is an attempt whose outcome the entity could not know (it
   * restarted mid-send); the engine counts those in {@code
   * switchboard_delivery_possible_duplicate_sends_total}, and every extra send must be one of them.
   * The small bound keeps a rare one of those from failing the run.
   */
  private static final long MAX_EXTRA_SENDS = 3;

  private RabbitCluster cluster;
  private TestNode node;
  private TrafficChecker traffic;
  private final ScheduledExecutorService sender =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "rolling-restart-test-sender");
            t.setDaemon(true);
            return t;
          });
  private final AtomicInteger backgroundSends = new AtomicInteger();
  private final Queue<String> senderErrors = new ConcurrentLinkedQueue<>();
  private volatile boolean sending;
  private volatile long sendingUntil;

  @BeforeAll
  void start() throws Exception {
    cluster = RabbitCluster.start(3);
    node =
        TestNode.start(
            cluster.node(0).amqpUri(),
            Map.of(
                "switchboard.broker.sites", "primary=" + cluster.amqpUris(),
                "switchboard.broker.restart-backoff.min", "200ms",
                "switchboard.broker.restart-backoff.max", "2s",
                "switchboard.broker.heartbeat", "2s",
                "switchboard.engine.delivery.retry-backoff.min", "50ms",
                "switchboard.engine.delivery.retry-backoff.max", "200ms"));
    // Node 1's view of the cluster's queues; every node is up when the checker reads them.
    traffic = new TrafficChecker(node, NAME, cluster.node(0)::queueCounts);
    node.awaitReady(READY_BOUND);
  }

  @AfterAll
  void stop() throws Exception {
    sending = false;
    sender.shutdownNow();
    sender.awaitTermination(35, TimeUnit.SECONDS);
    Resources.closeAll(traffic, node, cluster);
  }

  @Test
  void rollingRestartUnderLoadLosesNothing() throws Exception {
    node.awaitReady(READY_BOUND);
    // The queues the node declared have a replica on every node.
    cluster.awaitWhole(WHOLE_BOUND);
    log("quorum queues: %s", cluster.quorumQueues(cluster.node(0)));

    try (HealthWatch watch = HealthWatch.start(node, NAME)) {
      startSending();
      awaitFlowing("before the rolling restart");
      for (int i = 0; i < cluster.nodes().size(); i++) {
        restart(i, watch);
        node.awaitReady(READY_BOUND);
        awaitFlowing("after restarting node " + (i + 1));
      }
      stopSending();
      assertThat(senderErrors).as("sends that got no HTTP answer").isEmpty();
      assertThat(watch.liveFailures()).as("/health/live answers other than 200").isZero();
      assertThat(watch.readinessByStatus())
          .as("readiness answers through the rolling restart")
          .containsOnlyKeys(200);
    }
    List<Sent> background = traffic.sent();
    log(
        "background sender: %d sends, by status %s",
        background.size(),
        background.stream().collect(Collectors.groupingBy(Sent::status, Collectors.counting())));

    // Throughput is back: a burst sent after the last node returned is delivered promptly.
    node.awaitReady(READY_BOUND);
    long burstStarted = System.nanoTime();
    List<Sent> burst =
        traffic.sendAll(
            THROUGHPUT_MESSAGES, "after-rolling-restart", TrafficChecker::manyRecipients);
    traffic.awaitTerminal(burst, "after the rolling restart", THROUGHPUT_BOUND).assertClean();
    long burstMillis = millisSince(burstStarted);
    log("%d messages accepted and delivered in %d ms", THROUGHPUT_MESSAGES, burstMillis);
    assertThat(burstMillis).isLessThanOrEqualTo(THROUGHPUT_BOUND.toMillis());

    Verdict verdict =
        traffic
            .awaitSettled(traffic.sent(), "rolling restart", TERMINAL_BOUND)
            .assertNoneRefused()
            .assertInvariants(MAX_EXTRA_SENDS);
    double possibleDuplicates =
        node.metric("switchboard_delivery_possible_duplicate_sends_total", "channel=\"sandbox\"");
    assertThat((double) verdict.extraSends())
        .as("extra provider sends the engine did not flag as possible duplicates")
        .isLessThanOrEqualTo(possibleDuplicates);

    // Fail-over between nodes is the connection actors' business: the engine never restarted.
    assertThat(traffic.restarts()).as("signs that the engine restarted").isEmpty();
    assertThat(readyStatus()).isEqualTo(200);
  }

  // ---------------------------------------------------------------------------------------------

  /** Stops and starts node {@code index} and waits until the cluster is whole again. */
  private void restart(int index, HealthWatch watch) {
    RabbitNode rabbit = cluster.node(index);
    int sentBefore = traffic.sent().size();
    long stopCalled = System.nanoTime();
    rabbit.stopNode();
    long stopped = System.nanoTime();
    rabbit.startNode();
    long started = System.nanoTime();
    cluster.awaitWhole(WHOLE_BOUND);
    long whole = System.nanoTime();
    node.awaitReady(READY_BOUND);
    long ready = System.nanoTime();
    List<Sent> during = traffic.sent().subList(sentBefore, traffic.sent().size());
    log(
        "node %d (%s): stop %d ms, start %d ms, cluster whole %d ms later, brokers up %d ms"
            + " later; %d ms in all; a broker component down: %s; %d sends meanwhile, by status"
            + " %s",
        index + 1,
        rabbit.nodeName(),
        millis(stopped - stopCalled),
        millis(started - stopped),
        millis(whole - started),
        millis(ready - whole),
        millis(ready - stopCalled),
        watch
            .firstBrokerDownAfter(stopCalled)
            .map(o -> millis(o.nanos() - stopCalled) + " ms after stop " + o.brokersText())
            .orElse("never"),
        during.size(),
        during.stream().collect(Collectors.groupingBy(Sent::status, Collectors.counting())));
  }

  /** Sends with a fresh key every {@link #SEND_EVERY_MILLIS} until stopped or a bound is hit. */
  private void startSending() {
    sending = true;
    sendingUntil = System.nanoTime() + MAX_SENDING.toNanos();
    sender.scheduleWithFixedDelay(this::sendOne, 0, SEND_EVERY_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void sendOne() {
    if (!sending || System.nanoTime() - sendingUntil > 0 || backgroundSends.get() >= MAX_SENDS) {
      return;
    }
    int n = backgroundSends.getAndIncrement();
    try {
      traffic.sendWithKey(TrafficChecker.manyRecipients(n), "rolling");
    } catch (RuntimeException e) {
      // Kept, not thrown: a throwing task would silently end the schedule.
      senderErrors.add(e.toString());
    }
  }

  private void stopSending() throws InterruptedException {
    sending = false;
    sender.shutdown();
    assertThat(sender.awaitTermination(35, TimeUnit.SECONDS))
        .as("background sender stopped")
        .isTrue();
  }

  /** Waits until the background sender has had at least 10 more sends accepted. */
  private void awaitFlowing(String when) {
    long acceptedNow = accepted();
    await("traffic accepted " + when)
        .atMost(FLOWING_BOUND)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> accepted() >= acceptedNow + 10);
  }

  private long accepted() {
    return traffic.sent().stream().filter(Sent::accepted).count();
  }

  private int readyStatus() {
    return HealthWatch.probe(node, "/health/ready").status();
  }

  private static long millisSince(long startedNanos) {
    return millis(System.nanoTime() - startedNanos);
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  private static void log(String format, Object... args) {
    System.out.println(NAME + ": " + String.format(format, args));
  }
}
