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
 * under it, while messages are being sent. Every message that got a {@code 202} must reach a
 * terminal status, exactly once at the provider; while the broker is away the API refuses with
 * {@code 503 broker_unavailable} and readiness reports the broker down.
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
    List<Sent> retried = retryRefused(outage, "stop_app");
    awaitTerminal(retried, "stop_app, refused then retried");
    accepted.addAll(retried);
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
    List<Sent> retried = retryRefused(outage, "stop_node");
    awaitTerminal(retried, "stop_node, refused then retried");
    accepted.addAll(retried);
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
          .until(() -> reconnects() >= before + 4 && readyStatus() == 200);
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

  /** What happened between breaking the broker and the node refusing sends. */
  private record Outage(
      long breakCalled, long breakReturned, List<Sent> accepted, List<Sent> refused) {}

  /**
   * Breaks the broker while a sender keeps sending, and returns once readiness is 503 and a send
   * was refused with 503 {@code broker_unavailable}.
   */
  private Outage breakBroker(HealthWatch watch, Runnable breakIt, String what) throws Exception {
    Future<List<Sent>> racing = senders.submit(() -> sendUntilRefused(what));
    long breakCalled = System.nanoTime();
    breakIt.run();
    long breakReturned = System.nanoTime();
    List<Sent> during = racing.get(RACE_BOUND.toSeconds() + 15, TimeUnit.SECONDS);

    Map<Integer, Long> byStatus =
        during.stream().collect(Collectors.groupingBy(Sent::status, Collectors.counting()));
    log("%s: %d sends while breaking the broker, by status %s", what, during.size(), byStatus);
    assertThat(byStatus.keySet()).as("statuses while the broker went away").isSubsetOf(202, 503);

    Sent refused = during.get(during.size() - 1);
    assertThat(refused.status()).as(refused.body()).isEqualTo(503);
    JsonNode error = refused.response().json().path("error");
    assertThat(error.path("code").asText()).as(refused.body()).isEqualTo("broker_unavailable");
    assertThat(error.path("message").asText()).isNotBlank();
    String retryAfter = refused.response().header("Retry-After");
    assertThat(retryAfter).as("Retry-After of " + refused.body()).isNotNull();
    assertThat(Integer.parseInt(retryAfter)).isGreaterThanOrEqualTo(1);
    assertThat(during.stream().filter(s -> s.status() == 503))
        .allSatisfy(
            s -> {
              assertThat(s.response().json().path("error").path("code").asText())
                  .isEqualTo("broker_unavailable");
              assertThat(s.response().header("Retry-After")).isNotNull();
            });

    // A 202 means a confirm from the broker: none can come for a send begun after it stopped.
    List<Sent> accepted = during.stream().filter(s -> s.status() == 202).toList();
    List<String> acceptedAfterStop =
        accepted.stream().filter(s -> s.startedNanos() - breakReturned > 0).map(Sent::id).toList();
    assertThat(acceptedAfterStop)
        .as("202s for sends begun after %s had returned (no broker could confirm them)", what)
        .isEmpty();

    Optional<Long> down = watch.firstAfter(breakCalled, 503);
    log(
        "%s: the command took %d ms; readiness DOWN %s ms after it was called; %d of the sends"
            + " racing it accepted",
        what,
        TimeUnit.NANOSECONDS.toMillis(breakReturned - breakCalled),
        down.map(t -> Long.toString(TimeUnit.NANOSECONDS.toMillis(t - breakCalled))).orElse("?"),
        accepted.size());
    List<Sent> refusedSends = during.stream().filter(s -> s.status() == 503).toList();
    return new Outage(breakCalled, breakReturned, accepted, refusedSends);
  }

  /**
   * The sends refused during the outage, once the broker is back and the queue drained: reports
   * which of them had reached the broker anyway (a 503 whose publish was in flight when the
   * connection died: the job was enqueued but its confirm never came), then retries each with its
   * {@code Idempotency-Key} as a client would, which must answer 200 with the same message.
   */
  private List<Sent> retryRefused(Outage outage, String scenario) {
    return traffic.retry(outage.refused(), scenario);
  }

  private HealthWatch watch() {
    HealthWatch watch = HealthWatch.start(node, "BrokerRestartTest");
    activeWatch = watch;
    return watch;
  }

  /** Repairs the broker and waits, bounded, until the node is ready again. */
  private void repairBroker(HealthWatch watch, Runnable repair, String what, Outage outage) {
    long repairCalled = System.nanoTime();
    repair.run();
    long repairReturned = System.nanoTime();
    awaitReady();
    long readySeen = System.nanoTime();
    long up = watch.firstAfter(repairCalled, 200).orElse(readySeen);
    log(
        "%s: the command took %d ms; readiness UP %d ms after it was called (%d ms after it"
            + " returned); outage seen by readiness: %d ms",
        what,
        TimeUnit.NANOSECONDS.toMillis(repairReturned - repairCalled),
        TimeUnit.NANOSECONDS.toMillis(up - repairCalled),
        Math.max(0, TimeUnit.NANOSECONDS.toMillis(up - repairReturned)),
        TimeUnit.NANOSECONDS.toMillis(
            up - watch.firstAfter(outage.breakCalled(), 503).orElse(outage.breakCalled())));
  }

  /** While the broker is away: readiness 503 with the broker component down and why. */
  private void assertBrokerReportedDown() {
    await("readiness 503 while the broker is away")
        .atMost(DOWN_BOUND)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> readyStatus() == 503);
    TestNode.Response ready = ready();
    assertThat(ready.status()).as(ready.body()).isEqualTo(503);
    assertThat(ready.json().path("status").asText()).isIn("DEGRADED", "DOWN");
    JsonNode sandbox = ready.json().path("components").path("broker.sandbox");
    assertThat(sandbox.path("status").asText()).as(sandbox.toString()).isEqualTo("DOWN");
    assertThat(sandbox.path("lastError").isNull()).as(sandbox.toString()).isFalse();
    assertThat(sandbox.path("lastError").asText()).as(sandbox.toString()).isNotBlank();
    assertThat(ready.json().path("components").path("journal").path("status").asText())
        .isEqualTo("UP");
  }

  /**
   * Sends in a loop while the broker is being broken, until a send is refused with 503 and
   * readiness is 503 too; bounded in time and count.
   */
  private List<Sent> sendUntilRefused(String what) {
    List<Sent> sent = new ArrayList<>();
    long deadline = System.nanoTime() + RACE_BOUND.toNanos();
    while (sent.size() < RACE_MAX_SENDS && System.nanoTime() - deadline < 0) {
      Sent s =
          traffic.send(
              TrafficChecker.recipient(sent.size()),
              "during-" + what,
              "restart-" + UUID.randomUUID());
      sent.add(s);
      if (s.status() == 503 && readyStatus() == 503) {
        return sent;
      }
    }
    throw new AssertionError(
        "no 503 with readiness 503 within "
            + RACE_BOUND
            + " / "
            + RACE_MAX_SENDS
            + " sends while "
            + what
            + "; last: "
            + (sent.isEmpty() ? "none" : sent.get(sent.size() - 1)));
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
    traffic.awaitSettled(accepted, scenario, TERMINAL_BOUND).assertInvariants();
  }

  private void awaitReady() {
    await("readiness 200")
        .atMost(READY_BOUND)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> readyStatus() == 200);
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

  private int readyStatus() {
    return ready().status();
  }

  private TestNode.Response ready() {
    TestNode.Response ready = HealthWatch.probe(node, "/health/ready");
    HealthWatch watch = activeWatch;
    if (watch != null) {
      watch.observe(System.nanoTime(), ready.status());
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
