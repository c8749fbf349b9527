package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * RELIABILITY.md scenario 5: a memory alarm on a private RabbitMQ node. The broker blocks the
 * publishing connection (it sends {@code connection.blocked} when that connection next publishes);
 * the node reports the {@code broker.sandbox} component DOWN with state {@code BLOCKED} and why,
 * yet stays ready ({@code 200}, {@code DEGRADED}) and accepts every send with {@code 202}: the
 * first ones within the publish timeout (5 s: the publish that meets the alarm is not confirmed and
 * the channel goes to the outbox's relay), every one after that at once, without waiting for a
 * confirm. The consuming connection is not blocked, so the backlog accepted before the alarm
 * reaches the provider during it (its receipts wait, like every publish); once the alarm clears the
 * relay publishes what was accepted during it, the API publishes by itself again, and every
 * message, those accepted during the alarm included, is delivered: none refused, lost or sent
 * twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 200, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MemoryAlarmTest {
  private static final String NAME = "MemoryAlarmTest";
  private static final double ALARM_WATERMARK = 0.0000001;
  private static final double NORMAL_WATERMARK = 0.4;

  // A backlog that takes several seconds to drain (prefetch 2, 300 ms per provider call), so that
  // part of it is still queued when the alarm is on.
  private static final int BACKLOG = 40;
  private static final Duration READY_BOUND = Duration.ofSeconds(60);
  private static final Duration DETECT_BOUND = Duration.ofSeconds(60);
  private static final int DETECT_MAX_SENDS = 300;
  private static final Duration DRAIN_BOUND = Duration.ofSeconds(60);
  private static final Duration TERMINAL_BOUND = Duration.ofSeconds(90);
  // The API's publish timeout is 5 s: a 202, even one that waited for a confirm, comes sooner.
  private static final long ANSWER_MAX_MILLIS = 6_000;
  // Once the channel is the relay's, a send waits for the journal only.
  private static final long AT_ONCE_MILLIS = 3_000;
  private static final int WHILE_BLOCKED = 10;

  private RabbitNode privateNode;
  private TestNode node;
  private TrafficChecker traffic;
  private volatile HealthWatch activeWatch;

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
                "switchboard.broker.prefetch", 2,
                "switchboard.engine.channels.sandbox.latency", "300ms",
                "switchboard.engine.delivery.retry-backoff.min", "50ms",
                "switchboard.engine.delivery.retry-backoff.max", "200ms"));
    traffic = new TrafficChecker(node, NAME, privateNode::queueCounts);
  }

  @AfterAll
  void stop() throws Exception {
    Resources.closeAll(
        traffic,
        () -> {
          // A failed test may leave the alarm on: lift it so that the node shuts down cleanly.
          if (node != null && privateNode != null) {
            privateNode.setMemoryWatermark(NORMAL_WATERMARK);
          }
        },
        node,
        privateNode);
  }

  @Test
  void sendsAreAcceptedDuringTheAlarmConsumersKeepDrainingAndNothingIsLost() throws Exception {
    node.awaitReady(READY_BOUND);
    List<Sent> duringAlarm = new ArrayList<>();
    try (HealthWatch watch = HealthWatch.start(node, NAME)) {
      activeWatch = watch;
      List<Sent> before = traffic.sendAll(BACKLOG, "before-alarm", TrafficChecker::manyRecipients);

      long alarmCalled = System.nanoTime();
      privateNode.setMemoryWatermark(ALARM_WATERMARK);
      long alarmReturned = System.nanoTime();
      List<Sent> detecting = sendUntilBlocked();
      duringAlarm.addAll(detecting);
      long blockedSeen = System.nanoTime();
      long blocked =
          watch
              .firstBrokerAfter(alarmCalled, "broker.sandbox", b -> "BLOCKED".equals(b.state()))
              .map(HealthWatch.Observation::nanos)
              .orElse(blockedSeen);
      int backlogAtBlock = notTerminal(before);
      log(
          "alarm: the command took %d ms; broker.sandbox BLOCKED %d ms after it was called, after"
              + " %d sends during the alarm (by status %s, slowest %d ms); %d of %d accepted"
              + " before the alarm not yet terminal",
          millis(alarmReturned - alarmCalled),
          millis(blocked - alarmCalled),
          detecting.size(),
          byStatus(detecting),
          detecting.stream().mapToLong(Sent::millis).max().orElse(0),
          backlogAtBlock,
          BACKLOG);
      assertReportedBlocked();

      // Once blocked, a send is accepted into the outbox at once, without waiting for a confirm.
      for (int i = 0; i < WHILE_BLOCKED; i++) {
        Sent s = traffic.sendWithKey(TrafficChecker.manyRecipients(i), "while-blocked");
        assertAccepted(s, AT_ONCE_MILLIS);
        duringAlarm.add(s);
      }
      log(
          "while blocked: %d sends accepted, slowest %d ms",
          WHILE_BLOCKED,
          duringAlarm.stream().skip(detecting.size()).mapToLong(Sent::millis).max().orElse(0));
      await("the outbox holds what was accepted while blocked")
          .atMost(Duration.ofSeconds(10))
          .until(() -> node.component("outbox.sandbox").path("depth").asLong() >= WHILE_BLOCKED);

      // The consumer's connection is not blocked: the backlog reaches the provider while the alarm
      // is on. Its receipts, published like everything a provider reports, wait for the alarm to
      // clear; the checker at the end sees every message delivered.
      long drainStarted = System.nanoTime();
      traffic.awaitLeftOurHands(before, "accepted before the alarm, sent during it", DRAIN_BOUND);
      log(
          "backlog of %d drained during the alarm %d ms after BLOCKED was seen",
          backlogAtBlock, millis(System.nanoTime() - drainStarted));
      assertThat(backlogAtBlock)
          .as("messages accepted before the alarm still queued when it blocked the publisher")
          .isPositive();
      assertReportedBlocked();
      for (Sent s : duringAlarm.subList(detecting.size(), duringAlarm.size())) {
        assertThat(node.statusOf(s.id())).as("waits in the outbox: %s", s).isEqualTo("accepted");
      }

      long clearCalled = System.nanoTime();
      privateNode.setMemoryWatermark(NORMAL_WATERMARK);
      long clearReturned = System.nanoTime();
      node.awaitReady(READY_BOUND);
      long upSeen = System.nanoTime();
      long up =
          watch.firstBrokersUpAfter(clearCalled).map(HealthWatch.Observation::nanos).orElse(upSeen);
      log(
          "clear: the command took %d ms; brokers UP %d ms after it was called; blocked for %d ms"
              + " in all",
          millis(clearReturned - clearCalled), millis(up - clearCalled), millis(up - blocked));
      JsonNode sandbox = brokerComponent();
      assertThat(sandbox.path("state").asText()).as(sandbox.toString()).isEqualTo("UP");
      assertThat(sandbox.path("publisher").path("state").asText()).isEqualTo("UP");

      traffic
          .awaitTerminal(duringAlarm, "accepted during the alarm", TERMINAL_BOUND)
          .assertNoneLost()
          .assertNoneUnexpected();
      await("the API publishes by itself again")
          .atMost(Duration.ofSeconds(30))
          .until(() -> "direct".equals(node.component("outbox.sandbox").path("mode").asText()));
      traffic.sendAll(20, "after-alarm", TrafficChecker::manyRecipients);
      assertThat(watch.liveFailures()).as("/health/live answers other than 200").isZero();
      assertThat(watch.readinessByStatus())
          .as("readiness answers through the alarm")
          .containsOnlyKeys(200);
    }

    traffic
        .awaitSettled(traffic.sent(), "memory alarm", TERMINAL_BOUND)
        .assertNoneRefused()
        .assertInvariants();
    // Blocking is the connection's business: the engine itself never restarted.
    assertThat(traffic.restarts()).as("signs that the engine restarted").isEmpty();
    assertThat(readyStatus()).isEqualTo(200);
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * With the alarm on, sends until health shows the publisher blocked: the broker notifies a
   * connection only once it publishes, so the first sends may still be taken (or wait for a confirm
   * up to the publish timeout). Every one is accepted. Bounded in time and count.
   */
  private List<Sent> sendUntilBlocked() {
    List<Sent> sent = new ArrayList<>();
    long deadline = System.nanoTime() + DETECT_BOUND.toNanos();
    while (sent.size() < DETECT_MAX_SENDS && System.nanoTime() - deadline < 0) {
      Sent s = traffic.sendWithKey(TrafficChecker.manyRecipients(sent.size()), "during-alarm");
      sent.add(s);
      assertAccepted(s, ANSWER_MAX_MILLIS);
      if (publisherBlocked()) {
        return sent;
      }
    }
    throw new AssertionError(
        "health did not report the publisher BLOCKED within "
            + DETECT_BOUND
            + " / "
            + DETECT_MAX_SENDS
            + " sends during the alarm; sends by status "
            + byStatus(sent)
            + "; readiness "
            + ready().body());
  }

  /** 202 with an id, within {@code boundMillis}. */
  private static void assertAccepted(Sent s, long boundMillis) {
    assertThat(s.status()).as(s.toString()).isEqualTo(202);
    assertThat(s.id()).as(s.body()).startsWith("msg_");
    assertThat(s.millis()).as("time to accept %s", s).isLessThan(boundMillis);
  }

  private boolean publisherBlocked() {
    JsonNode sandbox = ready().json().path("components").path("broker.sandbox");
    return "BLOCKED".equals(sandbox.path("state").asText())
        || "BLOCKED".equals(sandbox.path("publisher").path("state").asText());
  }

  /**
   * Readiness 200 and DEGRADED, the sandbox channel's broker BLOCKED and why, its outbox relaying;
   * liveness and journal fine.
   */
  private void assertReportedBlocked() {
    TestNode.Response ready = ready();
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    assertThat(ready.json().path("status").asText()).isEqualTo("DEGRADED");
    JsonNode sandbox = ready.json().path("components").path("broker.sandbox");
    assertThat(sandbox.path("status").asText()).as(sandbox.toString()).isEqualTo("DOWN");
    assertThat(sandbox.path("publisher").path("state").asText())
        .as(sandbox.toString())
        .isEqualTo("BLOCKED");
    assertThat(sandbox.path("state").asText()).as(sandbox.toString()).isEqualTo("BLOCKED");
    assertThat(sandbox.path("lastError").asText())
        .as(sandbox.toString())
        .containsIgnoringCase("blocked");
    JsonNode outbox = ready.json().path("components").path("outbox.sandbox");
    assertThat(outbox.path("mode").asText()).as(outbox.toString()).isEqualTo("relay");
    assertThat(ready.json().path("components").path("journal").path("status").asText())
        .isEqualTo("UP");
    assertThat(HealthWatch.probe(node, "/health/live").status()).isEqualTo(200);
  }

  private int notTerminal(List<Sent> sends) {
    Set<String> terminal = Set.of("delivered", "failed");
    return (int) sends.stream().filter(s -> !terminal.contains(node.statusOf(s.id()))).count();
  }

  private JsonNode brokerComponent() {
    return ready().json().path("components").path("broker.sandbox");
  }

  private int readyStatus() {
    return ready().status();
  }

  private TestNode.Response ready() {
    TestNode.Response ready = HealthWatch.probe(node, "/health/ready");
    HealthWatch watch = activeWatch;
    if (watch != null) {
      watch.observe(System.nanoTime(), ready);
    }
    return ready;
  }

  private static Map<Integer, Long> byStatus(List<Sent> sends) {
    return sends.stream().collect(Collectors.groupingBy(Sent::status, Collectors.counting()));
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  private static void log(String format, Object... args) {
    System.out.println(NAME + ": " + String.format(format, args));
  }
}
