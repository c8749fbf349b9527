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
 * the node reports {@code BLOCKED} in readiness and refuses sends at once with {@code 503
 * broker_unavailable} and a {@code Retry-After}; the consuming connection is not blocked, so the
 * backlog accepted before the alarm reaches the provider during it (its receipts wait, like every
 * publish); once the alarm clears the node is ready again, every message is delivered, and nothing
 * was lost or sent twice.
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
  // The API's publish timeout is 5 s: a refusal, even one that waited for a confirm, comes sooner.
  private static final long REFUSAL_MAX_MILLIS = 6_000;

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
    awaitReady();
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
  void publishersAreRefusedConsumersKeepDrainingAndNothingIsLost() throws Exception {
    awaitReady();
    try (HealthWatch watch = HealthWatch.start(node, NAME)) {
      activeWatch = watch;
      List<Sent> before = traffic.sendAll(BACKLOG, "before-alarm", TrafficChecker::manyRecipients);

      long alarmCalled = System.nanoTime();
      privateNode.setMemoryWatermark(ALARM_WATERMARK);
      long alarmReturned = System.nanoTime();
      List<Sent> detecting = sendUntilBlocked();
      long blockedSeen = System.nanoTime();
      long readinessDown = watch.firstAfter(alarmCalled, 503).orElse(blockedSeen);
      int backlogAtBlock = notTerminal(before);
      log(
          "alarm: the command took %d ms; readiness 503 %d ms and BLOCKED seen %d ms after it was"
              + " called, after %d sends during the alarm (by status %s, slowest %d ms); %d of %d"
              + " accepted before the alarm not yet terminal",
          millis(alarmReturned - alarmCalled),
          millis(readinessDown - alarmCalled),
          millis(blockedSeen - alarmCalled),
          detecting.size(),
          byStatus(detecting),
          detecting.stream().mapToLong(Sent::millis).max().orElse(0),
          backlogAtBlock,
          BACKLOG);
      assertReportedBlocked();

      // Once blocked, a send is refused at once, without waiting for a confirm.
      List<Sent> refusedOnceBlocked = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        Sent s = traffic.sendWithKey(TrafficChecker.manyRecipients(i), "while-blocked");
        assertRefused(s);
        refusedOnceBlocked.add(s);
      }
      log(
          "while blocked: %d sends refused, slowest %d ms",
          refusedOnceBlocked.size(),
          refusedOnceBlocked.stream().mapToLong(Sent::millis).max().orElse(0));

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

      long clearCalled = System.nanoTime();
      privateNode.setMemoryWatermark(NORMAL_WATERMARK);
      long clearReturned = System.nanoTime();
      awaitReady();
      long readySeen = System.nanoTime();
      long readinessUp = watch.firstAfter(clearCalled, 200).orElse(readySeen);
      log(
          "clear: the command took %d ms; readiness 200 %d ms after it was called; blocked"
              + " (readiness 503) for %d ms in all",
          millis(clearReturned - clearCalled),
          millis(readinessUp - clearCalled),
          millis(readinessUp - readinessDown));
      JsonNode sandbox = brokerComponent();
      assertThat(sandbox.path("state").asText()).as(sandbox.toString()).isEqualTo("UP");
      assertThat(sandbox.path("publisher").path("state").asText()).isEqualTo("UP");

      traffic.sendAll(20, "after-alarm", TrafficChecker::manyRecipients);
      List<Sent> refused = traffic.sent().stream().filter(Sent::refused).toList();
      traffic.retry(refused, "memory alarm");
      assertThat(watch.liveFailures()).as("/health/live answers other than 200").isZero();
    }

    traffic.awaitSettled(traffic.sent(), "memory alarm", TERMINAL_BOUND).assertInvariants();
    // Blocking is the connection's business: the engine itself never restarted.
    assertThat(traffic.restarts()).as("signs that the engine restarted").isEmpty();
    assertThat(readyStatus()).isEqualTo(200);
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * With the alarm on, sends until one is refused and readiness shows the publisher blocked: the
   * broker notifies a connection only once it publishes, so the first sends may still be taken (or
   * time out waiting for a confirm). Bounded in time and count.
   */
  private List<Sent> sendUntilBlocked() {
    List<Sent> sent = new ArrayList<>();
    long deadline = System.nanoTime() + DETECT_BOUND.toNanos();
    while (sent.size() < DETECT_MAX_SENDS && System.nanoTime() - deadline < 0) {
      Sent s = traffic.sendWithKey(TrafficChecker.manyRecipients(sent.size()), "during-alarm");
      sent.add(s);
      assertThat(s.status()).as("a send during the alarm: %s", s).isIn(202, 503);
      if (s.refused()) {
        assertRefused(s);
        if (publisherBlocked()) {
          return sent;
        }
      }
    }
    throw new AssertionError(
        "readiness did not report the publisher BLOCKED within "
            + DETECT_BOUND
            + " / "
            + DETECT_MAX_SENDS
            + " sends during the alarm; sends by status "
            + byStatus(sent)
            + "; readiness "
            + ready().body());
  }

  /** 503 {@code broker_unavailable} with a Retry-After, within the publish timeout. */
  private static void assertRefused(Sent s) {
    assertThat(s.status()).as(s.toString()).isEqualTo(503);
    JsonNode error = s.response().json().path("error");
    assertThat(error.path("code").asText()).as(s.body()).isEqualTo("broker_unavailable");
    assertThat(error.path("message").asText()).isNotBlank();
    String retryAfter = s.response().header("Retry-After");
    assertThat(retryAfter).as("Retry-After of " + s.body()).isNotNull();
    assertThat(Integer.parseInt(retryAfter)).isGreaterThanOrEqualTo(1);
    assertThat(s.millis()).as("time to refuse %s", s).isLessThan(REFUSAL_MAX_MILLIS);
  }

  private boolean publisherBlocked() {
    TestNode.Response ready = ready();
    JsonNode sandbox = ready.json().path("components").path("broker.sandbox");
    return ready.status() == 503
        && ("BLOCKED".equals(sandbox.path("state").asText())
            || "BLOCKED".equals(sandbox.path("publisher").path("state").asText()));
  }

  /** Readiness 503, the sandbox channel's broker BLOCKED, and why; liveness and journal fine. */
  private void assertReportedBlocked() {
    TestNode.Response ready = ready();
    assertThat(ready.status()).as(ready.body()).isEqualTo(503);
    assertThat(ready.json().path("status").asText()).isIn("DEGRADED", "DOWN");
    JsonNode sandbox = ready.json().path("components").path("broker.sandbox");
    assertThat(sandbox.path("status").asText()).as(sandbox.toString()).isEqualTo("DOWN");
    assertThat(sandbox.path("publisher").path("state").asText())
        .as(sandbox.toString())
        .isEqualTo("BLOCKED");
    assertThat(sandbox.path("state").asText()).as(sandbox.toString()).isEqualTo("BLOCKED");
    assertThat(sandbox.path("lastError").asText())
        .as(sandbox.toString())
        .containsIgnoringCase("blocked");
    assertThat(ready.json().path("components").path("journal").path("status").asText())
        .isEqualTo("UP");
    assertThat(HealthWatch.probe(node, "/health/live").status()).isEqualTo(200);
  }

  private int notTerminal(List<Sent> sends) {
    Set<String> terminal = Set.of("delivered", "failed");
    return (int) sends.stream().filter(s -> !terminal.contains(node.statusOf(s.id()))).count();
  }

  private void awaitReady() {
    await("readiness 200")
        .atMost(READY_BOUND)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> readyStatus() == 200);
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
      watch.observe(System.nanoTime(), ready.status());
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
