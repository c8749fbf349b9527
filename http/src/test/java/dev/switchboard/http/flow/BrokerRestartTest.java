package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.testing.RabbitNode;
import dev.switchboard.http.testing.HealthWatch;
import dev.switchboard.http.testing.Resources;
import dev.switchboard.http.testing.Sent;
import dev.switchboard.http.testing.TestNode;
import dev.switchboard.http.testing.TrafficChecker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The broker goes away and comes back under a running node: a private RabbitMQ node (never the
 * shared one) is stopped and started (the app, then the whole VM) and has its connections closed
 * under it, while messages are being sent. While the broker is away the node stays ready ({@code
 * 200}, {@code DEGRADED}) with the {@code broker.<channel>} components DOWN and why, and accepts
 * every send with {@code 202} into its outbox: none is refused, the ones racing the outage within
 * the publish timeout (5 s), the ones after the outage is known at once. Every message that got a
 * {@code 202}, those accepted during the outage included, reaches a terminal status, exactly once
 * at the provider, once the broker is back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 170, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BrokerRestartTest {
  private static final String SANDBOX_QUEUE = "switchboard.outbound.sandbox";

  private static final Duration READY_BOUND = Duration.ofSeconds(60);
  private static final Duration DOWN_BOUND = Duration.ofSeconds(30);
  private static final Duration TERMINAL_BOUND = Duration.ofSeconds(90);
  private static final Duration RACE_BOUND = Duration.ofSeconds(45);
  private static final int RACE_MAX_SENDS = 3000;
  // The API's publish timeout is 5 s: a 202, even one that waited for a confirm, comes sooner.
  private static final long ANSWER_MAX_MILLIS = 6_000;
  // Once the broker is known down the API does not try it: a send waits for the journal only.
  private static final long AT_ONCE_MILLIS = 3_000;
  private static final int AFTER_DOWN_SENDS = 5;

  private RabbitNode privateNode;
  private TestNode node;
  private TrafficChecker traffic;
  // While a broker is broken: sees every readiness answer, to time the outage.
  private volatile HealthWatch activeWatch;
  private final ExecutorService senders =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "broker-restart-test-sender");
            t.setDaemon(true);
            return t;
          });

  @BeforeAll
  void start() throws Exception {
    privateNode = RabbitNode.start(RabbitNode.freePort());
    // @AfterAll runs even when this fails half-way, and closes whatever was started.
    node =
        TestNode.start(
            privateNode.amqpUri(),
            Map.of(
                "switchboard.broker.restart-backoff.min", "200ms",
                "switchboard.broker.restart-backoff.max", "2s",
                "switchboard.broker.heartbeat", "2s",
                "switchboard.engine.delivery.retry-backoff.min", "50ms",
                "switchboard.engine.delivery.retry-backoff.max", "200ms"));
    traffic = new TrafficChecker(node, "BrokerRestartTest", privateNode::queueCounts);
    awaitReady();
  }

  @AfterAll
  void stop() throws Exception {
    senders.shutdownNow();
    Resources.closeAll(traffic, node, privateNode);
  }

  @Test
  @Order(1)
  void messagesAcceptedBeforeDuringAndAfterAStopAppRestartAllReachATerminalState()
      throws Exception {
    awaitReady();
    List<Sent> accepted = new ArrayList<>();
    accepted.addAll(traffic.sendAll(30, "before-stop-app"));

    Outage outage;
    try (HealthWatch watch = watch()) {
      outage = breakBroker(watch, privateNode::stopApp, "stop_app");
      accepted.addAll(outage.accepted());
      assertBrokerReportedDown();
      // The node keeps trying while the broker is away: a reconnect attempt is refused.
      await("a refused reconnect reported while the app is stopped")
          .atMost(DOWN_BOUND)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  brokerComponent("broker.sandbox")
                      .path("lastError")
                      .asText("")
                      .contains("no node of site primary reachable"));
      assertThat(live().status()).isEqualTo(200);

      repairBroker(watch, privateNode::startApp, "start_app", outage);
      assertThat(watch.liveFailures()).as("/health/live answers other than 200").isZero();
    }
    JsonNode sandbox = brokerComponent("broker.sandbox");
    assertThat(sandbox.path("status").asText()).isEqualTo("UP");
    assertThat(sandbox.path("reconnects").asLong())
        .as(sandbox.toString())
        .isGreaterThanOrEqualTo(1);
    assertThat(brokerComponent("broker.sms").path("reconnects").asLong()).isGreaterThanOrEqualTo(1);

    accepted.addAll(traffic.sendAll(30, "after-start-app"));

    awaitTerminal(accepted, "stop_app");
    assertExactlyOnceAtTheProvider(accepted, "stop_app");
  }

  @Test
  @Order(2)
  void fullNodeStopAndStartReconnectsWithoutRestartingTheEngine() throws Exception {
    awaitReady();
    List<Sent> accepted = new ArrayList<>();
    accepted.addAll(traffic.sendAll(10, "before-stop-node"));
    long reconnectsBefore = brokerComponent("broker.sandbox").path("reconnects").asLong();

    Outage outage;
    try (HealthWatch watch = watch()) {
      outage = breakBroker(watch, privateNode::stopNode, "stop_node");
      accepted.addAll(outage.accepted());
      assertBrokerReportedDown();
      assertThat(live().status()).isEqualTo(200);

      repairBroker(watch, privateNode::startNode, "start_node", outage);
      assertThat(watch.liveFailures()).as("/health/live answers other than 200").isZero();
    }
    assertThat(brokerComponent("broker.sandbox").path("reconnects").asLong())
        .isGreaterThan(reconnectsBefore);
    accepted.addAll(traffic.sendAll(10, "after-start-node"));

    awaitTerminal(accepted, "stop_node");
    assertExactlyOnceAtTheProvider(accepted, "stop_node");
    // Reconnection is the connection actors' business: the engine itself never restarted.
    assertThat(traffic.restarts()).as("signs that the engine restarted").isEmpty();
  }

  @Test
  @Order(3)
  void forcedConnectionClosesAreRecoveredRepeatedly() throws Exception {
    awaitReady();
    awaitBaselineConnections();
    for (int round = 1; round <= 3; round++) {
      long before = reconnects();
      long started = System.nanoTime();
      privateNode.closeAllConnections("test");
      long closed = System.nanoTime();
      // Both connections of both channels come back (a consumer and a publisher each).
      await("round " + round + ": every connection reconnected and the node ready")
          .atMost(READY_BOUND)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> reconnects() >= before + 4 && brokersUp());
      log(
          "close_all_connections round %d: the command took %d ms; ready again %d ms after it"
              + " returned",
          round, TimeUnit.NANOSECONDS.toMillis(closed - started), millisSince(closed));
    }

    List<Sent> accepted = traffic.sendAll(20, "after-forced-closes");
    awaitTerminal(accepted, "close_all_connections");
    assertExactlyOnceAtTheProvider(accepted, "close_all_connections");
    awaitBaselineConnections();
    assertThat(traffic.restarts()).as("signs that the engine restarted").isEmpty();
  }

  // ---------------------------------------------------------------------------------------------

  /** What happened between breaking the broker and the node knowing it: every send accepted. */
  private record Outage(long breakCalled, long breakReturned, List<Sent> accepted) {}

  /**
   * Breaks the broker while a sender keeps sending, and returns once health shows the broker
   * component down and a few sends after that were accepted at once.
   */
  private Outage breakBroker(HealthWatch watch, Runnable breakIt, String what) throws Exception {
    Future<List<Sent>> racing = senders.submit(() -> sendUntilKnownDown(what));
    long breakCalled = System.nanoTime();
    breakIt.run();
    long breakReturned = System.nanoTime();
    List<Sent> during = racing.get(RACE_BOUND.toSeconds() + 15, TimeUnit.SECONDS);

    Map<Integer, Long> byStatus =
        during.stream().collect(Collectors.groupingBy(Sent::status, Collectors.counting()));
    log(
        "%s: %d sends while breaking the broker, by status %s, slowest %d ms",
        what, during.size(), byStatus, during.stream().mapToLong(Sent::millis).max().orElse(0));
    // Durable in the journal is a 202, broker or not: nothing is refused.
    assertThat(during)
        .allSatisfy(
            s -> {
              assertThat(s.status()).as(s.toString()).isEqualTo(202);
              assertThat(s.millis())
                  .as("answered within the publish timeout: %s", s)
                  .isLessThan(ANSWER_MAX_MILLIS);
            });
    assertThat(
            during.subList(during.size() - AFTER_DOWN_SENDS, during.size()).stream()
                .mapToLong(Sent::millis))
        .as("sends once the broker is known down are accepted at once")
        .allMatch(millis -> millis < AT_ONCE_MILLIS);

    Optional<HealthWatch.Observation> down =
        watch.firstBrokerAfter(breakCalled, "broker.sandbox", b -> !b.up());
    log(
        "%s: the command took %d ms; broker.sandbox DOWN %s ms after it was called (%s); %d sends"
            + " racing it, all accepted",
        what,
        TimeUnit.NANOSECONDS.toMillis(breakReturned - breakCalled),
        down.map(o -> Long.toString(TimeUnit.NANOSECONDS.toMillis(o.nanos() - breakCalled)))
            .orElse("?"),
        down.map(HealthWatch.Observation::brokersText).orElse("not seen by the watch"),
        during.size());
    return new Outage(breakCalled, breakReturned, during);
  }

  private HealthWatch watch() {
    HealthWatch watch = HealthWatch.start(node, "BrokerRestartTest");
    activeWatch = watch;
    return watch;
  }

  /**
   * Repairs the broker and waits, bounded, until every broker component is up again; readiness
   * answered 200 all along.
   */
  private void repairBroker(HealthWatch watch, Runnable repair, String what, Outage outage) {
    long repairCalled = System.nanoTime();
    repair.run();
    long repairReturned = System.nanoTime();
    node.awaitReady(READY_BOUND);
    long upSeen = System.nanoTime();
    long up =
        watch.firstBrokersUpAfter(repairCalled).map(HealthWatch.Observation::nanos).orElse(upSeen);
    long down =
        watch
            .firstBrokerDownAfter(outage.breakCalled())
            .map(HealthWatch.Observation::nanos)
            .orElse(outage.breakCalled());
    log(
        "%s: the command took %d ms; brokers UP %d ms after it was called (%d ms after it"
            + " returned); outage seen by health: %d ms; readiness answers by status %s",
        what,
        TimeUnit.NANOSECONDS.toMillis(repairReturned - repairCalled),
        TimeUnit.NANOSECONDS.toMillis(up - repairCalled),
        Math.max(0, TimeUnit.NANOSECONDS.toMillis(up - repairReturned)),
        TimeUnit.NANOSECONDS.toMillis(up - down),
        watch.readinessByStatus());
    assertThat(watch.readinessByStatus()).as("readiness through the outage").containsOnlyKeys(200);
    await("the API publishes by itself again")
        .atMost(DOWN_BOUND)
        .until(() -> "direct".equals(node.component("outbox.sandbox").path("mode").asText()));
  }

  /**
   * While the broker is away: ready ({@code 200}, DEGRADED), the broker component down and why, the
   * outbox relaying what was accepted.
   */
  private void assertBrokerReportedDown() {
    await("broker component down while the broker is away")
        .atMost(DOWN_BOUND)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> "DOWN".equals(brokerComponent("broker.sandbox").path("status").asText()));
    TestNode.Response ready = ready();
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    assertThat(ready.json().path("status").asText()).isEqualTo("DEGRADED");
    JsonNode sandbox = ready.json().path("components").path("broker.sandbox");
    assertThat(sandbox.path("status").asText()).as(sandbox.toString()).isEqualTo("DOWN");
    assertThat(sandbox.path("lastError").isNull()).as(sandbox.toString()).isFalse();
    assertThat(sandbox.path("lastError").asText()).as(sandbox.toString()).isNotBlank();
    assertThat(ready.json().path("components").path("journal").path("status").asText())
        .isEqualTo("UP");
    JsonNode outbox = ready.json().path("components").path("outbox.sandbox");
    assertThat(outbox.path("mode").asText()).as(outbox.toString()).isEqualTo("relay");
  }

  /**
   * Sends in a loop while the broker is being broken, until the broker component shows it down,
   * then {@link #AFTER_DOWN_SENDS} more; bounded in time and count.
   */
  private List<Sent> sendUntilKnownDown(String what) {
    List<Sent> sent = new ArrayList<>();
    long deadline = System.nanoTime() + RACE_BOUND.toNanos();
    int afterDown = 0;
    while (sent.size() < RACE_MAX_SENDS && System.nanoTime() - deadline < 0) {
      boolean known = afterDown > 0 || brokerDown();
      sent.add(
          traffic.send(
              TrafficChecker.recipient(sent.size()),
              "during-" + what,
              "restart-" + UUID.randomUUID()));
      if (known && ++afterDown == AFTER_DOWN_SENDS) {
        return sent;
      }
    }
    throw new AssertionError(
        "the broker component not seen down within "
            + RACE_BOUND
            + " / "
            + RACE_MAX_SENDS
            + " sends while "
            + what
            + "; last: "
            + (sent.isEmpty() ? "none" : sent.get(sent.size() - 1)));
  }

  private boolean brokerDown() {
    return "DOWN".equals(brokerComponent("broker.sandbox").path("status").asText());
  }

  /** Every accepted message reaches a terminal state within the bound (none lost): delivered. */
  private void awaitTerminal(List<Sent> accepted, String scenario) {
    // Nothing sent here fails for good: every one of them is delivered (unexpected = 0).
    traffic
        .awaitTerminal(accepted, scenario, TERMINAL_BOUND)
        .assertNoneLost()
        .assertNoneUnexpected();
  }

  /**
   * The whole checker: each message reached the sandbox as often as its recipient needs (duplicates
   * counted), the queues are empty again and the engine never restarted.
   */
  private void assertExactlyOnceAtTheProvider(List<Sent> accepted, String scenario) {
    traffic.awaitSettled(accepted, scenario, TERMINAL_BOUND).assertNoneRefused().assertInvariants();
  }

  private void awaitReady() {
    node.awaitReady(READY_BOUND);
  }

  private boolean brokersUp() {
    TestNode.Response ready = ready();
    return ready.status() == 200
        && HealthWatch.brokers(ready).values().stream().allMatch(HealthWatch.BrokerSeen::up);
  }

  /** The baseline: a publisher and a consumer per enabled channel, one consumer on the queue. */
  private void awaitBaselineConnections() {
    try {
      await("4 connections and 1 consumer on " + SANDBOX_QUEUE)
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> connectionNames().size() == 4 && consumersOn(SANDBOX_QUEUE) == 1);
    } catch (ConditionTimeoutException e) {
      fail(
          "not back to the baseline of 4 connections and 1 consumer:%n%s%n%s",
          privateNode.ctl("list_connections", "name", "user_provided_name", "state"),
          privateNode.ctl("list_consumers", "-p", "/"));
    }
    log(
        "connections: %s; consumers on %s: %d",
        connectionNames(), SANDBOX_QUEUE, consumersOn(SANDBOX_QUEUE));
  }

  private List<String> connectionNames() {
    return privateNode
        .ctl("list_connections", "name")
        .lines()
        .map(String::trim)
        .filter(line -> line.contains(" -> "))
        .toList();
  }

  private long consumersOn(String queue) {
    return privateNode
        .ctl("list_consumers", "-p", "/")
        .lines()
        .filter(line -> line.startsWith(queue + "\t"))
        .count();
  }

  private long reconnects() {
    return brokerComponent("broker.sandbox").path("reconnects").asLong()
        + brokerComponent("broker.sms").path("reconnects").asLong();
  }

  private JsonNode brokerComponent(String name) {
    return ready().json().path("components").path(name);
  }

  private TestNode.Response ready() {
    TestNode.Response ready = HealthWatch.probe(node, "/health/ready");
    HealthWatch watch = activeWatch;
    if (watch != null) {
      watch.observe(System.nanoTime(), ready);
    }
    return ready;
  }

  private TestNode.Response live() {
    return HealthWatch.probe(node, "/health/live");
  }

  private static long millisSince(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }

  private static void log(String format, Object... args) {
    System.out.println("BrokerRestartTest: " + String.format(format, args));
  }
}
