package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.testing.RabbitNode;
import dev.switchboard.engine.testing.TcpProxy;
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
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 * must notice the dead path by heartbeat within about two heartbeat intervals, answer every send
 * within its request timeout ({@code 503 broker_unavailable}, never a hang), stay live, report the
 * broker down, and come back by itself once the path heals; every message that got a {@code 202} is
 * delivered, once.
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
  // A send refused because the connection is known dead does not wait for any timeout.
  private static final Duration REFUSED_AT_ONCE = Duration.ofSeconds(1);
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
  void aSilentPathIsDetectedByHeartbeatAndHealsWhenThePathDoes() {
    try {
      blackholeThenHeal();
    } finally {
      proxy.pass(); // never leave the path dead for the next test
    }
  }

  private void blackholeThenHeal() {
    awaitReady();
    List<Sent> accepted = new ArrayList<>(sendAll(10, "before-blackhole"));
    awaitDelivered(accepted, "before the blackhole");
    awaitBaselineConnections();
    long reconnectsBefore = component("broker.sandbox").path("reconnects").asLong();

    List<Sent> refused = new ArrayList<>();
    try (ReadinessWatch watch = ReadinessWatch.start(node)) {
      long blackholed = System.nanoTime();
      proxy.blackhole();

      // (a) Every send during the blackhole is answered in time: first the ones caught by the
      // confirm timeout, then, once the connection is declared dead, refused at once.
      long deadline = blackholed + RACE_BOUND.toNanos();
      while (watch.firstAfter(blackholed, 503).isEmpty() || !publisherDown()) {
        if (System.nanoTime() - deadline > 0) {
          fail(
              "no readiness 503 with the publisher down within %s of the blackhole; sandbox: %s",
              RACE_BOUND, component("broker.sandbox"));
        }
        refused.add(assertRefusedInTime(send(NORMAL, "during-blackhole", newKey())));
      }
      long publisherDownMillis = millisSince(blackholed);
      for (int i = 0; i < 5; i++) {
        Sent s = assertRefusedInTime(send(NORMAL, "blackhole-declared", newKey()));
        assertThat(s.millis())
            .as("a send refused on a connection known dead: %s", s)
            .isLessThan(REFUSED_AT_ONCE.toMillis());
        refused.add(s);
      }

      // (b) Readiness went 503 within about two heartbeats, naming the broker and why.
      ReadinessWatch.Observation down = watch.firstAfter(blackholed, 503).orElseThrow();
      long detectedMillis = TimeUnit.NANOSECONDS.toMillis(down.nanos() - blackholed);
      log(
          "blackhole: readiness 503 after %d ms (bound %d ms), publisher down after <= %d ms;"
              + " first seen down: %s",
          detectedMillis, DETECTION_BOUND.toMillis(), publisherDownMillis, down.lastError());
      assertThat(Duration.ofMillis(detectedMillis))
          .as("blackhole to readiness 503 (heartbeat %s)", HEARTBEAT)
          .isLessThanOrEqualTo(DETECTION_BOUND);
      assertThat(down.lastError())
          .as("detected by the heartbeat")
          .containsIgnoringCase("heartbeat");
      TestNode.Response ready = ready();
      assertThat(ready.status()).as(ready.body()).isEqualTo(503);
      JsonNode sandbox = ready.json().path("components").path("broker.sandbox");
      assertThat(sandbox.path("status").asText()).as(sandbox.toString()).isEqualTo("DOWN");
      assertThat(sandbox.path("lastError").asText()).as(sandbox.toString()).isNotBlank();
      assertThat(ready.json().path("components").path("journal").path("status").asText())
          .isEqualTo("UP");

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
      Sent stillRefused = assertRefusedInTime(send(NORMAL, "still-blackholed", newKey()));
      assertThat(stillRefused.millis()).isLessThan(REFUSED_AT_ONCE.toMillis());
      refused.add(stillRefused);

      // The path heals: the node reconnects through the proxy by itself.
      long healed = System.nanoTime();
      proxy.pass();
      awaitReady();
      long readySeen = System.nanoTime();
      long upMillis =
          TimeUnit.NANOSECONDS.toMillis(
              watch.firstAfter(healed, 200).map(ReadinessWatch.Observation::nanos).orElse(readySeen)
                  - healed);
      log(
          "blackhole: readiness 200 %d ms after pass(); outage seen by readiness %d ms",
          upMillis, TimeUnit.NANOSECONDS.toMillis(healed - down.nanos()) + upMillis);
      assertThat(Duration.ofMillis(upMillis)).isLessThanOrEqualTo(READY_BOUND);

      // (c) The process stayed live throughout.
      assertThat(watch.liveFailures()).as("/health/live answers other than 200").isZero();
    }
    assertThat(component("broker.sandbox").path("reconnects").asLong())
        .as("the publisher and the consumer reconnected")
        .isGreaterThanOrEqualTo(reconnectsBefore + 2);
    awaitBaselineConnections();

    accepted.addAll(sendAll(10, "after-blackhole"));
    awaitDelivered(accepted, "blackhole");
    Map<String, Long> refusedBy =
        refused.stream()
            .collect(
                Collectors.groupingBy(
                    s -> s.millis() < REFUSED_AT_ONCE.toMillis() ? "at once" : "after a wait",
                    Collectors.counting()));
    log("blackhole: %d sends refused with 503 (%s)", refused.size(), refusedBy);
    List<Sent> retried = retryRefused(refused, "blackhole");
    awaitDelivered(retried, "blackhole, refused then retried");
    accepted.addAll(retried);
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
            .until(() -> reconnects() >= before + BASELINE_CONNECTIONS && readyStatus() == 200);
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
    assertThat(byStatus.keySet()).as("statuses while connections were reset").isSubsetOf(202, 503);
    assertThat(sent)
        .allSatisfy(
            s -> {
              assertThat(s.millis()).as(s.toString()).isLessThan(ANSWER_BOUND.toMillis());
              if (s.status() == 503) {
                assertBrokerUnavailable(s);
              }
            });
    List<Sent> accepted = new ArrayList<>(sent.stream().filter(s -> s.status() == 202).toList());
    List<Sent> refused = sent.stream().filter(s -> s.status() == 503).toList();
    awaitDelivered(accepted, "resetAll");
    List<Sent> retried = retryRefused(refused, "resetAll");
    awaitDelivered(retried, "resetAll, refused then retried");
    accepted.addAll(retried);
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

  /** A 503 {@code broker_unavailable} with a Retry-After, answered within the bound. */
  private static Sent assertRefusedInTime(Sent s) {
    assertThat(s.millis()).as("answered in time: %s", s).isLessThan(ANSWER_BOUND.toMillis());
    assertThat(s.status()).as(s.body()).isEqualTo(503);
    assertBrokerUnavailable(s);
    return s;
  }

  private static void assertBrokerUnavailable(Sent s) {
    JsonNode error = s.response().json().path("error");
    assertThat(error.path("code").asText()).as(s.body()).isEqualTo("broker_unavailable");
    String retryAfter = s.response().header("Retry-After");
    assertThat(retryAfter).as("Retry-After of " + s.body()).isNotBlank();
    assertThat(Integer.parseInt(retryAfter)).isGreaterThanOrEqualTo(1);
  }

  /**
   * Retries each refused send with its {@code Idempotency-Key} as a client would; reports the ones
   * that had reached the broker despite the 503 (a confirm lost with its connection).
   */
  private List<Sent> retryRefused(Collection<Sent> refused, String scenario) {
    return traffic.retry(refused, scenario);
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
    traffic.awaitSettled(accepted, scenario, TERMINAL_BOUND).assertInvariants();
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
    await("readiness 200")
        .atMost(READY_BOUND)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> readyStatus() == 200);
  }

  private int readyStatus() {
    return ready().status();
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

  /**
   * Reads readiness and liveness every 50 ms in the background while open, keeping each readiness
   * answer (with the errors of the broker components down) to time the outage, and counting
   * liveness answers other than 200.
   */
  private static final class ReadinessWatch implements AutoCloseable {
    /** One readiness answer; {@code lastError} names each broker component down and why. */
    record Observation(long nanos, int status, String lastError) {}

    private final TestNode node;
    private final ScheduledExecutorService poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "blackhole-test-readiness");
              t.setDaemon(true);
              return t;
            });
    private final Queue<Observation> observations = new ConcurrentLinkedQueue<>();
    private final AtomicLong liveFailures = new AtomicLong();

    private ReadinessWatch(TestNode node) {
      this.node = node;
    }

    static ReadinessWatch start(TestNode node) {
      ReadinessWatch watch = new ReadinessWatch(node);
      watch.poller.scheduleWithFixedDelay(watch::poll, 0, 50, TimeUnit.MILLISECONDS);
      return watch;
    }

    private void poll() {
      try {
        TestNode.Response ready = unauthenticatedGet(node, "/health/ready");
        // Whichever broker component is down first (sandbox or sms): its name and why.
        List<String> errors = new ArrayList<>();
        ready
            .json()
            .path("components")
            .fields()
            .forEachRemaining(
                c -> {
                  if (c.getKey().startsWith("broker.")
                      && "DOWN".equals(c.getValue().path("status").asText())) {
                    errors.add(c.getKey() + ": " + c.getValue().path("lastError").asText());
                  }
                });
        String lastError = errors.isEmpty() ? null : String.join("; ", errors);
        observations.add(new Observation(System.nanoTime(), ready.status(), lastError));
      } catch (RuntimeException e) {
        observations.add(new Observation(System.nanoTime(), -1, e.toString()));
      }
      try {
        if (unauthenticatedGet(node, "/health/live").status() != 200) {
          liveFailures.incrementAndGet();
        }
      } catch (RuntimeException e) {
        liveFailures.incrementAndGet();
      }
    }

    /** The first readiness answer {@code status} seen at or after {@code fromNanos}. */
    Optional<Observation> firstAfter(long fromNanos, int status) {
      return observations.stream()
          .filter(o -> o.nanos() - fromNanos >= 0 && o.status() == status)
          .min((a, b) -> Long.compare(a.nanos(), b.nanos()));
    }

    long liveFailures() {
      return liveFailures.get();
    }

    @Override
    public void close() {
      poller.shutdownNow();
      try {
        poller.awaitTermination(15, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
