package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.testing.RabbitNode;
import dev.switchboard.engine.testing.TcpProxy;
import dev.switchboard.http.testing.HealthWatch;
import dev.switchboard.http.testing.Resources;
import dev.switchboard.http.testing.Sent;
import dev.switchboard.http.testing.TestNode;
import dev.switchboard.http.testing.TrafficChecker;
import dev.switchboard.http.testing.Verdict;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * Scenario 3 of RELIABILITY.md: the path to the broker goes silent (a {@link TcpProxy} that stops
 * forwarding without closing anything), then heals; and connections reset under traffic. The node
 * must notice the dead path by heartbeat within about two heartbeat intervals (the {@code
 * broker.sandbox} component DOWN, naming the heartbeat), accept every send with {@code 202} into
 * its outbox within the publish timeout (3 s here; never a hang, never a refusal), and at once once
 * the path is known dead; stay live and ready ({@code 200}, {@code DEGRADED}) throughout, and come
 * back by itself once the path heals. Every message that got a {@code 202}, those accepted while
 * the path was dead included, is delivered, once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlackholeTest {
  private static final String NORMAL = "+447700900123";
  private static final Duration HEARTBEAT = Duration.ofSeconds(2);
  // "About two heartbeat intervals", with slack for the poll and a busy machine.
  private static final Duration DETECTION_BOUND = HEARTBEAT.multipliedBy(3).plusSeconds(2);
  // Each send is answered within this, whatever the broker does (publish-timeout is 3 s).
  private static final Duration ANSWER_BOUND = Duration.ofSeconds(5);
  // Once the connection is known dead a send waits for the journal only, not for a confirm.
  private static final Duration AT_ONCE = Duration.ofSeconds(2);
  private static final Duration READY_BOUND = Duration.ofSeconds(30);
  private static final Duration TERMINAL_BOUND = Duration.ofSeconds(60);
  private static final Duration RACE_BOUND = Duration.ofSeconds(30);
  // A publisher and a consumer connection for each of the two channels (sandbox, sms).
  private static final int BASELINE_CONNECTIONS = 4;

  private RabbitNode broker;
  private TcpProxy proxy;
  private TestNode node;
  private TrafficChecker traffic;
  private final long origin = System.nanoTime();
  private final ExecutorService senders =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "blackhole-test-sender");
            t.setDaemon(true);
            return t;
          });

  @BeforeAll
  void start() throws Exception {
    broker = RabbitNode.start(RabbitNode.freePort());
    proxy = TcpProxy.start("127.0.0.1", broker.port());
    node =
        TestNode.start(
            "amqp://guest:guest@127.0.0.1:" + proxy.port(),
            Map.of(
                "switchboard.broker.heartbeat", "2s",
                "switchboard.broker.confirm-timeout", "2s",
                "switchboard.broker.connect-timeout", "2s",
                "switchboard.broker.restart-backoff.min", "200ms",
                "switchboard.broker.restart-backoff.max", "1s",
                "switchboard.engine.delivery.publish-timeout", "3s"));
    traffic = new TrafficChecker(node, "BlackholeTest", broker::queueCounts);
    awaitReady();
  }

  // JUnit runs this even when start() failed half-way: close whatever was started.
  @AfterAll
  void stop() throws Exception {
    senders.shutdownNow();
    Resources.closeAll(traffic, node, proxy, broker);
  }

  @Test
  @Order(1)
  void aSilentPathIsDetectedByHeartbeatAndHealsWhenThePathDoes() throws InterruptedException {
    try {
      blackholeThenHeal();
    } finally {
      proxy.pass(); // never leave the path dead for the next test
    }
  }

  private void blackholeThenHeal() throws InterruptedException {
    awaitReady();
    List<Sent> accepted = new ArrayList<>(sendAll(10, "before-blackhole"));
    awaitDelivered(accepted, "before the blackhole");
    awaitBaselineConnections();
    long reconnectsBefore = component("broker.sandbox").path("reconnects").asLong();

    List<Sent> during = new ArrayList<>();
    try (HealthWatch watch = HealthWatch.start(node, "BlackholeTest")) {
      long blackholed = System.nanoTime();
      proxy.blackhole();

      // (a) Every send during the blackhole is accepted in time: first the ones that wait for the
      // publish timeout, then, once the channel is the outbox's, at once.
      // A send every 100 ms (each one is delivered later, so the count is kept modest).
      try {
        await("the publisher seen down")
            .atMost(RACE_BOUND)
            .pollInterval(Duration.ofMillis(100))
            .until(
                () -> {
                  during.add(
                      assertAcceptedIn(send(NORMAL, "during-blackhole", newKey()), ANSWER_BOUND));
                  return watch
                          .firstBrokerAfter(blackholed, "broker.sandbox", b -> !b.up())
                          .isPresent()
                      && publisherDown();
                });
      } catch (ConditionTimeoutException e) {
        fail(
            "the publisher not seen down within %s of the blackhole; sandbox: %s",
            RACE_BOUND, component("broker.sandbox"));
      }
      long publisherDownMillis = millisSince(blackholed);
      for (int i = 0; i < 5; i++) {
        during.add(assertAcceptedIn(send(NORMAL, "blackhole-declared", newKey()), AT_ONCE));
      }

      // (b) The broker component went DOWN within about two heartbeats, naming why.
      HealthWatch.Observation down = watch.firstBrokerDownAfter(blackholed).orElseThrow();
      long detectedMillis = TimeUnit.NANOSECONDS.toMillis(down.nanos() - blackholed);
      String why = downErrors(down);
      log(
          "blackhole: broker component DOWN after %d ms (bound %d ms), publisher down after <= %d"
              + " ms; first seen down: %s",
          detectedMillis, DETECTION_BOUND.toMillis(), publisherDownMillis, why);
      assertThat(Duration.ofMillis(detectedMillis))
          .as("blackhole to broker component DOWN (heartbeat %s)", HEARTBEAT)
          .isLessThanOrEqualTo(DETECTION_BOUND);
      assertThat(why).as("detected by the heartbeat").containsIgnoringCase("heartbeat");
      TestNode.Response ready = ready();
      assertThat(ready.status()).as(ready.body()).isEqualTo(200);
      assertThat(ready.json().path("status").asText()).isEqualTo("DEGRADED");
      JsonNode sandbox = ready.json().path("components").path("broker.sandbox");
      assertThat(sandbox.path("status").asText()).as(sandbox.toString()).isEqualTo("DOWN");
      assertThat(sandbox.path("lastError").asText()).as(sandbox.toString()).isNotBlank();
      assertThat(ready.json().path("components").path("journal").path("status").asText())
          .isEqualTo("UP");
      JsonNode outbox = ready.json().path("components").path("outbox.sandbox");
      assertThat(outbox.path("mode").asText()).as(outbox.toString()).isEqualTo("relay");

      // The node keeps trying through the dead path; each try ends at the connect timeout.
      await("a reconnect attempt through the blackhole failed")
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> component("broker.sandbox").path("lastError").asText("").contains("reachable"));
      log(
          "blackhole: a reconnect attempt failed after %d ms: %s; proxy connections now %d,"
              + " %d bytes discarded",
          millisSince(blackholed),
          component("broker.sandbox").path("lastError").asText(),
          proxy.connectionCount(),
          proxy.discardedBytes());
      during.add(assertAcceptedIn(send(NORMAL, "still-blackholed", newKey()), AT_ONCE));
      for (Sent s : during.subList(during.size() - 6, during.size())) {
        assertThat(node.statusOf(s.id())).as("waits in the outbox: %s", s).isEqualTo("accepted");
      }

      // The path heals: the node reconnects through the proxy by itself.
      long healed = System.nanoTime();
      proxy.pass();
      awaitReady();
      long upSeen = System.nanoTime();
      long upMillis =
          TimeUnit.NANOSECONDS.toMillis(
              watch.firstBrokersUpAfter(healed).map(HealthWatch.Observation::nanos).orElse(upSeen)
                  - healed);
      log(
          "blackhole: brokers UP %d ms after pass(); outage seen by health %d ms; %d sends"
              + " during it, slowest %d ms",
          upMillis,
          TimeUnit.NANOSECONDS.toMillis(healed - down.nanos()) + upMillis,
          during.size(),
          during.stream().mapToLong(Sent::millis).max().orElse(0));
      assertThat(Duration.ofMillis(upMillis)).isLessThanOrEqualTo(READY_BOUND);

      // (c) The process stayed live and ready throughout.
      assertThat(watch.liveFailures()).as("/health/live answers other than 200").isZero();
      assertThat(watch.readinessByStatus())
          .as("readiness answers through the blackhole")
          .containsOnlyKeys(200);
    }
    assertThat(component("broker.sandbox").path("reconnects").asLong())
        .as("the publisher and the consumer reconnected")
        .isGreaterThanOrEqualTo(reconnectsBefore + 2);
    awaitBaselineConnections();

    // Everything accepted while the path was dead is published from the journal and delivered.
    awaitDelivered(during, "accepted during the blackhole");
    accepted.addAll(during);
    accepted.addAll(sendAll(10, "after-blackhole"));
    awaitDelivered(accepted, "blackhole");
    assertOnceAtTheProvider(accepted, "blackhole");
  }

  @Test
  @Order(2)
  void connectionsResetRepeatedlyUnderTrafficLoseNothing() throws Exception {
    proxy.pass();
    awaitReady();
    awaitBaselineConnections();
    AtomicBoolean sending = new AtomicBoolean(true);
    Queue<Sent> sent = new ConcurrentLinkedQueue<>();
    Future<?> sender =
        senders.submit(
            () -> {
              while (sending.get()) {
                sent.add(send(NORMAL, "reset-traffic", newKey()));
              }
            });
    try {
      for (int round = 1; round <= 3; round++) {
        int sentBefore = sent.size();
        await("traffic before reset " + round)
            .atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> sent.size() >= sentBefore + 5);
        long before = reconnects();
        long reset = System.nanoTime();
        proxy.resetAll();
        await("round " + round + ": every connection back and the node ready")
            .atMost(READY_BOUND)
            .pollInterval(Duration.ofMillis(50))
            .until(() -> reconnects() >= before + BASELINE_CONNECTIONS && brokersUp());
        log(
            "resetAll round %d at +%d ms: all reconnected and ready after %d ms",
            round, at(reset), millisSince(reset));
      }
      int sentBefore = sent.size();
      await("traffic after the resets")
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> sent.size() >= sentBefore + 5);
    } finally {
      sending.set(false);
    }
    sender.get(ANSWER_BOUND.toSeconds() * 2, TimeUnit.SECONDS);

    Map<Integer, Long> byStatus =
        sent.stream().collect(Collectors.groupingBy(Sent::status, Collectors.counting()));
    long slowest = sent.stream().mapToLong(Sent::millis).max().orElse(0);
    log("resetAll: %d sends, by status %s, slowest answer %d ms", sent.size(), byStatus, slowest);
    assertThat(byStatus.keySet()).as("statuses while connections were reset").containsOnly(202);
    assertThat(sent)
        .allSatisfy(
            s -> assertThat(s.millis()).as(s.toString()).isLessThan(ANSWER_BOUND.toMillis()));
    List<Sent> accepted = List.copyOf(sent);
    awaitDelivered(accepted, "resetAll");
    assertOnceAtTheProvider(accepted, "resetAll");
    awaitBaselineConnections();
  }

  // ---------------------------------------------------------------------------------------------

  private static String newKey() {
    return "blackhole-" + UUID.randomUUID();
  }

  private Sent send(String to, String label, String key) {
    return traffic.send(to, label, key);
  }

  private List<Sent> sendAll(int count, String label) {
    return traffic.sendAll(count, label, i -> NORMAL);
  }

  /** A 202 with an id, answered within {@code bound}. */
  private static Sent assertAcceptedIn(Sent s, Duration bound) {
    assertThat(s.status()).as(s.toString()).isEqualTo(202);
    assertThat(s.millis()).as("answered in time: %s", s).isLessThan(bound.toMillis());
    return s;
  }

  /** Each broker component not UP in {@code o}, with why. */
  private static String downErrors(HealthWatch.Observation o) {
    return o.brokers().entrySet().stream()
        .filter(b -> !b.getValue().up())
        .map(b -> b.getKey() + ": " + b.getValue().lastError())
        .collect(Collectors.joining("; "));
  }

  /**
   * Every message reaches {@code delivered} within the bound (none lost, none unexpected); lists
   * the lost ones with the broker's queues and channels otherwise.
   */
  private void awaitDelivered(Collection<Sent> accepted, String scenario) {
    Verdict verdict = traffic.awaitTerminal(accepted, scenario, TERMINAL_BOUND);
    if (!verdict.lost().isEmpty()) {
      fail(
          "%s: %d of %d accepted messages not terminal within %s (lost):%n  %s%n"
              + "queues (name, ready, unacked, consumers):%n%s%n"
              + "channels (name, unacked, prefetch, consumers):%n%s",
          scenario,
          verdict.lost().size(),
          verdict.accepted(),
          TERMINAL_BOUND,
          String.join("\n  ", verdict.lost()),
          broker.ctl(
              "list_queues", "name", "messages_ready", "messages_unacknowledged", "consumers"),
          broker.ctl(
              "list_channels",
              "name",
              "messages_unacknowledged",
              "prefetch_count",
              "consumer_count"));
    }
    // Every recipient here is a normal one: delivered, at the first attempt.
    verdict.assertNoneUnexpected();
  }

  /**
   * The whole checker: normal recipients need one provider attempt (more is a duplicate, fewer is a
   * lie), the queues are empty again, and the engine never restarted.
   */
  private void assertOnceAtTheProvider(Collection<Sent> accepted, String scenario) {
    traffic.awaitSettled(accepted, scenario, TERMINAL_BOUND).assertNoneRefused().assertInvariants();
  }

  /** Four live connections through the proxy, and the broker sees exactly those. */
  private void awaitBaselineConnections() {
    try {
      await(BASELINE_CONNECTIONS + " connections through the proxy and at the broker")
          .atMost(READY_BOUND)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  proxy.connectionCount() == BASELINE_CONNECTIONS
                      && brokerConnections() == BASELINE_CONNECTIONS);
    } catch (ConditionTimeoutException e) {
      fail(
          "not back to %d connections: proxy has %d; broker:%n%s",
          BASELINE_CONNECTIONS,
          proxy.connectionCount(),
          broker.ctl("list_connections", "name", "user_provided_name", "state"));
    }
  }

  private long brokerConnections() {
    return broker.ctl("list_connections", "name").lines().filter(l -> l.contains(" -> ")).count();
  }

  private boolean publisherDown() {
    return !"UP".equals(component("broker.sandbox").path("publisher").path("state").asText());
  }

  private long reconnects() {
    return component("broker.sandbox").path("reconnects").asLong()
        + component("broker.sms").path("reconnects").asLong();
  }

  private JsonNode component(String name) {
    return ready().json().path("components").path(name);
  }

  private void awaitReady() {
    node.awaitReady(READY_BOUND);
  }

  private boolean brokersUp() {
    TestNode.Response ready = ready();
    return ready.status() == 200
        && HealthWatch.brokers(ready).values().stream().allMatch(HealthWatch.BrokerSeen::up);
  }

  private TestNode.Response ready() {
    return unauthenticatedGet(node, "/health/ready");
  }

  private static TestNode.Response unauthenticatedGet(TestNode node, String path) {
    return node.send(
        HttpRequest.newBuilder(node.managementUri(path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build());
  }

  /** Milliseconds from the start of this class to {@code nanos}, to line events up. */
  private long at(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos - origin);
  }

  private static long millisSince(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }

  private static void log(String format, Object... args) {
    System.out.println("BlackholeTest: " + String.format(format, args));
  }
}
