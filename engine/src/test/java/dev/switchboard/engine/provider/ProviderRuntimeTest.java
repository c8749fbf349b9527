package dev.switchboard.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.engine.message.OutboundMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProviderRuntimeTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ActorTestKit testKit = ActorTestKit.create("ProviderRuntimeTest");
  // Stands in for the provider dispatcher: open() blocks on it while a test holds the bind.
  private static final ExecutorService blocking = Executors.newCachedThreadPool();

  private String name;
  private FakeAdapter adapter;
  private FakeIndex index;
  private SimpleMeterRegistry meters;
  private ProviderHealth health;
  private TestProbe<SendOutcome> replies;
  private ActorRef<ProviderRuntime.Command> runtime;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
    blocking.shutdownNow();
  }

  @BeforeEach
  void setUp() {
    name = "p-" + UUID.randomUUID();
    adapter = new FakeAdapter();
    index = new FakeIndex();
    meters = new SimpleMeterRegistry();
    health = new ProviderHealth(name, "sms", adapter.peer(), Clock.systemUTC(), TestBreakers.off());
    replies = testKit.createTestProbe();
  }

  @AfterEach
  void stopRuntime() {
    adapter.openGate.complete(null);
    if (runtime != null) {
      testKit.stop(runtime, WAIT);
    }
  }

  // --- (a) opening -------------------------------------------------------------------------

  @Test
  void sendsBeforeTheSessionIsOpenAreNotAttemptedThenAnsweredByTheSession() {
    adapter.openGate = new CompletableFuture<>();
    start(new ProviderLimits(10, 0), settings());

    await().atMost(WAIT).until(() -> adapter.opens.get() == 1);
    assertThat(health.state()).isEqualTo(ProviderHealth.State.CONNECTING);
    send("m-early");
    assertThat(replies.expectMessageClass(SendOutcome.NotAttempted.class, WAIT).reason())
        .contains("connecting");
    assertThat(adapter.calls).isEmpty();

    adapter.openGate.complete(null);
    awaitUp();
    send("m-late");
    Call call = adapter.awaitCall(0);
    assertThat(call.message().id()).startsWith("m-late-");
    call.answer().complete(new SendOutcome.PermanentFailure("invalid_recipient", "no such number"));

    assertThat(replies.expectMessageClass(SendOutcome.PermanentFailure.class, WAIT).code())
        .isEqualTo("invalid_recipient");
  }

  @Test
  void shutdownAnswersWhatIsOutstandingClosesTheSessionAndStops() {
    start(new ProviderLimits(10, 0), settings());
    awaitUp();
    send("m-outstanding");
    adapter.awaitCall(0);
    TestProbe<Done> closed = testKit.createTestProbe();

    runtime.tell(new ProviderRuntime.Shutdown(closed.ref()));

    assertThat(replies.expectMessageClass(SendOutcome.TransientFailure.class, WAIT).code())
        .isEqualTo("provider_connection_lost");
    closed.expectMessage(WAIT, Done.getInstance());
    assertThat(adapter.closes.get()).isEqualTo(1);
    assertThat(health.state()).isEqualTo(ProviderHealth.State.DOWN);
    closed.expectTerminated(runtime, WAIT);
    runtime = null;
  }

  // --- (b) the window ----------------------------------------------------------------------

  @Test
  void noMoreThanTheWindowIsOutstandingAtOnce() {
    start(new ProviderLimits(2, 0), settings());
    awaitUp();

    for (int i = 0; i < 5; i++) {
      send("m-" + i);
    }
    await().atMost(WAIT).until(() -> health.inFlight() + health.queued() == 5);
    assertThat(adapter.calls).hasSize(2);
    assertThat(health.queued()).isEqualTo(3);
    replies.expectNoMessage(Duration.ofMillis(200));
    assertThat(adapter.calls).hasSize(2);

    adapter.calls.get(0).answer().complete(new SendOutcome.Sent("x0"));
    adapter.awaitCall(2);
    assertThat(adapter.calls).hasSize(3);
    for (int i = 1; i < 5; i++) {
      adapter.awaitCall(i).answer().complete(new SendOutcome.Sent("x" + i));
    }

    for (int i = 0; i < 5; i++) {
      replies.expectMessageClass(SendOutcome.Sent.class, WAIT);
    }
    assertThat(adapter.maxConcurrent.get()).isEqualTo(2);
  }

  // --- (c) the rate limit ------------------------------------------------------------------

  @Test
  void theRateLimitSpreadsSendsOverTime() {
    start(new ProviderLimits(100, 5), settings());
    awaitUp();

    long sentAt = System.nanoTime();
    for (int i = 0; i < 10; i++) {
      send("m-" + i);
    }
    quickly().until(() -> health.inFlight() + health.queued() == 10);
    // A bucket of one second's worth (5) starts at once, the rest one every 200ms.
    assertThat(adapter.calls.size()).isBetween(5, 7);

    adapter.awaitCall(9);
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(adapter.calls.get(9).startedNanos() - sentAt);
    // Five more at 5 a second is ~0.8-1s; half of it at least.
    assertThat(tookMillis).isGreaterThanOrEqualTo(400);
  }

  @Test
  void theRateLimitCountsEachMessagesCost() {
    adapter.cost = 3;
    start(new ProviderLimits(100, 6), settings());
    awaitUp();

    long sentAt = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      send("m-" + i);
    }
    quickly().until(() -> health.inFlight() + health.queued() == 5);
    // At cost 1 all five would fit the bucket of 6; at cost 3 two do (and one more on credit).
    assertThat(adapter.calls.size()).isBetween(2, 3);

    adapter.awaitCall(4);
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(adapter.calls.get(4).startedNanos() - sentAt);
    // 15 segments at 6 a second, 6 of them from the bucket: ~1-1.5s; half of it at least.
    assertThat(tookMillis).isGreaterThanOrEqualTo(500);
  }

  // --- (d) throttling ----------------------------------------------------------------------

  @Test
  void aThrottledMessageIsSentAgainAfterThePauseAndOnlyItsFinalOutcomeIsAnswered() {
    start(new ProviderLimits(10, 0), settings());
    awaitUp();

    send("m-throttled");
    Call first = adapter.awaitCall(0);
    long throttledAt = System.nanoTime();
    first.answer().complete(new SendOutcome.Throttled("ESME_RTHROTTLED", Duration.ofMillis(400)));

    await().atMost(WAIT).until(health::isThrottled);
    assertThat(health.available()).isFalse();
    assertThat(health.report().details()).containsEntry("throttled", true);
    replies.expectNoMessage(Duration.ofMillis(100));

    Call again = adapter.awaitCall(1);
    assertThat(TimeUnit.NANOSECONDS.toMillis(again.startedNanos() - throttledAt))
        .isGreaterThanOrEqualTo(200);
    assertThat(again.message()).isSameAs(first.message());
    assertThat(again.attempt()).isEqualTo(first.attempt());
    again.answer().complete(new SendOutcome.Sent("x-1"));

    assertThat(replies.expectMessageClass(SendOutcome.Sent.class, WAIT).providerMessageId())
        .isEqualTo("x-1");
    replies.expectNoMessage(Duration.ofMillis(100));
    assertThat(adapter.calls).hasSize(2);
    assertThat(
            meters
                .get("switchboard.provider.throttled")
                .tags("provider", name, "channel", "sms")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  // --- (e) deadlines -----------------------------------------------------------------------

  @Test
  void aSendThePeerNeverAnswersIsATransientFailureAfterTheSendTimeout() {
    start(new ProviderLimits(10, 0), settings(Duration.ofMillis(300), Duration.ofSeconds(10)));
    awaitUp();

    send("m-silent");
    adapter.awaitCall(0);

    SendOutcome.TransientFailure failure =
        replies.expectMessageClass(SendOutcome.TransientFailure.class, WAIT);
    assertThat(failure.code()).isEqualTo("provider_timeout");
  }

  @Test
  void aSendThatCannotStartWithinTheQueueTimeoutIsNotAttempted() {
    start(new ProviderLimits(1, 0), settings(Duration.ofSeconds(10), Duration.ofMillis(300)));
    awaitUp();

    send("m-holding-the-window");
    adapter.awaitCall(0);
    long queuedAt = System.nanoTime();
    send("m-waiting");

    // Well before the first send's own deadline (10s) frees the window.
    SendOutcome.NotAttempted notAttempted =
        replies.expectMessageClass(SendOutcome.NotAttempted.class, Duration.ofSeconds(3));
    assertThat(notAttempted.reason()).contains("busy");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - queuedAt))
        .isGreaterThanOrEqualTo(150);
    assertThat(adapter.calls).hasSize(1);
  }

  // --- (f) a lost session ------------------------------------------------------------------

  @Test
  void aLostSessionFailsWhatIsInFlightAndIsOpenedAgain() {
    start(new ProviderLimits(10, 0), settings(), Duration.ofMillis(500));
    awaitUp();
    send("m-1");
    send("m-2");
    adapter.awaitCall(1);

    adapter.events.get().sessionLost("peer closed the connection");

    for (int i = 0; i < 2; i++) {
      assertThat(replies.expectMessageClass(SendOutcome.TransientFailure.class, WAIT).code())
          .isEqualTo("provider_connection_lost");
    }
    // The backoff (500ms) has not passed yet.
    assertThat(health.state()).isEqualTo(ProviderHealth.State.DOWN);
    assertThat(health.report().details()).containsEntry("lastError", "peer closed the connection");
    assertThat(health.available()).isFalse();

    await().atMost(WAIT).until(() -> adapter.opens.get() == 2);
    awaitUp();
    assertThat(health.reconnects()).isEqualTo(1);
    assertThat(adapter.closes.get()).isEqualTo(1);
    send("m-3");
    adapter.awaitCall(2).answer().complete(new SendOutcome.Sent("x-3"));
    replies.expectMessageClass(SendOutcome.Sent.class, WAIT);
  }

  // --- (g) a session that cannot open ------------------------------------------------------

  @Test
  void aSessionThatCannotOpenIsDownWithTheReasonAndRetriedWithBackoff() {
    adapter.failOpens.set(3);
    start(new ProviderLimits(10, 0), settings(), Duration.ofMillis(100));

    await().atMost(WAIT).until(() -> adapter.opens.get() >= 1);
    await().atMost(WAIT).until(() -> health.state() == ProviderHealth.State.DOWN);
    assertThat(health.report().details()).containsEntry("lastError", "connection refused");

    awaitUp();
    assertThat(adapter.opens.get()).isEqualTo(4);
    List<Long> at = adapter.openedNanos;
    for (int i = 1; i < at.size(); i++) {
      // Backoff from 100ms, doubling; half of the first step at least.
      assertThat(TimeUnit.NANOSECONDS.toMillis(at.get(i) - at.get(i - 1)))
          .isGreaterThanOrEqualTo(50);
    }
    assertThat(health.reconnects()).isZero();
  }

  // --- (h) the provider-id index ------------------------------------------------------------

  @Test
  void theIndexIsWrittenBeforeTheCallerIsAnsweredSent() {
    index.answer = new CompletableFuture<>();
    start(new ProviderLimits(10, 0), settings());
    awaitUp();

    OutboundMessage message = send("m-indexed");
    adapter.awaitCall(0).answer().complete(new SendOutcome.Sent("a", List.of("a", "b")));

    await().atMost(WAIT).until(() -> index.records.size() == 1);
    assertThat(index.records.get(0)).isEqualTo(new Record(name, List.of("a", "b"), message.id()));
    replies.expectNoMessage(Duration.ofMillis(200));

    index.answer.complete(null);
    assertThat(replies.expectMessageClass(SendOutcome.Sent.class, WAIT).partIds())
        .containsExactly("a", "b");
  }

  @Test
  void nothingIsIndexedWhenReceiptsNameOurIds() {
    adapter.receiptsNameOurIds = true;
    start(new ProviderLimits(10, 0), settings());
    awaitUp();

    send("m-own-ids");
    adapter.awaitCall(0).answer().complete(new SendOutcome.Sent("a", List.of("a", "b")));

    replies.expectMessageClass(SendOutcome.Sent.class, WAIT);
    assertThat(index.records).isEmpty();
  }

  @Test
  void aFailedIndexWriteStillAnswersSent() {
    index.answer = CompletableFuture.failedFuture(new IllegalStateException("database down"));
    start(new ProviderLimits(10, 0), settings());
    awaitUp();

    send("m-unindexed");
    adapter.awaitCall(0).answer().complete(new SendOutcome.Sent("a"));

    assertThat(replies.expectMessageClass(SendOutcome.Sent.class, WAIT).providerMessageId())
        .isEqualTo("a");
    assertThat(index.records).hasSize(1);
  }

  // --- wiring ------------------------------------------------------------------------------

  private static ProviderSettings settings() {
    return settings(Duration.ofSeconds(10), Duration.ofSeconds(10));
  }

  private static ProviderSettings settings(Duration sendTimeout, Duration queueTimeout) {
    return new ProviderSettings(
        new ProviderLimits(10, 0),
        sendTimeout,
        queueTimeout,
        Duration.ofMillis(300),
        Duration.ofSeconds(5),
        Duration.ofSeconds(1),
        Duration.ofMillis(50),
        Duration.ofSeconds(1),
        0.0,
        Duration.ofSeconds(5),
        1000,
        TestBreakers.off());
  }

  private void start(ProviderLimits limits, ProviderSettings settings) {
    start(limits, settings, Duration.ofMillis(50));
  }

  // Supervised the way ProviderRegistry does it, with the test's backoff.
  private void start(ProviderLimits limits, ProviderSettings settings, Duration minBackoff) {
    ProviderRuntime.Setup setup =
        new ProviderRuntime.Setup(
            name,
            adapter,
            limits,
            settings,
            health,
            new ProviderMetrics(meters, health, limits),
            new NoEvents(),
            index,
            blocking);
    runtime =
        testKit.spawn(
            Behaviors.supervise(ProviderRuntime.create(setup))
                .onFailure(
                    Exception.class,
                    SupervisorStrategy.restartWithBackoff(
                            minBackoff, minBackoff.multipliedBy(8), 0.0)
                        .withLoggingEnabled(false)));
  }

  private OutboundMessage send(String id) {
    OutboundMessage message =
        new OutboundMessage(
            id + "-" + UUID.randomUUID(),
            "acct",
            "sms",
            "+447700900123",
            null,
            "hello",
            null,
            0,
            Map.of(),
            Instant.now());
    runtime.tell(new ProviderRuntime.Send(message, 1, replies.ref()));
    return message;
  }

  private void awaitUp() {
    await().atMost(WAIT).until(() -> health.state() == ProviderHealth.State.UP);
    assertThat(health.available()).isTrue();
  }

  private static ConditionFactory quickly() {
    return await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2));
  }

  /** One send the session was given; the test answers it by hand. */
  record Call(
      OutboundMessage message,
      int attempt,
      CompletableFuture<SendOutcome> answer,
      long startedNanos) {}

  record Record(String provider, List<String> ids, String messageId) {}

  /** A scripted adapter: open() may be held or made to fail; sends wait for the test. */
  static final class FakeAdapter implements ProviderAdapter {
    final AtomicInteger opens = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    final AtomicInteger failOpens = new AtomicInteger();
    final AtomicInteger concurrent = new AtomicInteger();
    final AtomicInteger maxConcurrent = new AtomicInteger();
    final List<Long> openedNanos = new CopyOnWriteArrayList<>();
    final List<Call> calls = new CopyOnWriteArrayList<>();
    final java.util.concurrent.atomic.AtomicReference<ProviderEvents> events =
        new java.util.concurrent.atomic.AtomicReference<>();
    volatile CompletableFuture<Void> openGate = CompletableFuture.completedFuture(null);
    volatile int cost = 1;
    volatile boolean receiptsNameOurIds;

    @Override
    public String peer() {
      return "fake:2775";
    }

    @Override
    public ProviderSession open(ProviderEvents events) throws Exception {
      opens.incrementAndGet();
      openedNanos.add(System.nanoTime());
      openGate.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (failOpens.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IOException("connection refused");
      }
      this.events.set(events);
      return new ProviderSession() {
        @Override
        public CompletionStage<SendOutcome> send(OutboundMessage message, int attempt) {
          int now = concurrent.incrementAndGet();
          maxConcurrent.accumulateAndGet(now, Math::max);
          CompletableFuture<SendOutcome> answer = new CompletableFuture<>();
          calls.add(new Call(message, attempt, answer, System.nanoTime()));
          // The runtime hears of the answer only after it is counted out: no false overlap.
          return answer.whenComplete((o, e) -> concurrent.decrementAndGet());
        }

        @Override
        public void close() {
          closes.incrementAndGet();
        }
      };
    }

    @Override
    public int cost(OutboundMessage message) {
      return cost;
    }

    @Override
    public boolean receiptsNameOurIds() {
      return receiptsNameOurIds;
    }

    Call awaitCall(int i) {
      await().atMost(WAIT).until(() -> calls.size() > i);
      return calls.get(i);
    }
  }

  static final class FakeIndex implements ProviderIdIndex {
    final List<Record> records = new CopyOnWriteArrayList<>();
    volatile CompletableFuture<Void> answer = CompletableFuture.completedFuture(null);

    @Override
    public CompletionStage<Void> record(String provider, List<String> ids, String messageId) {
      records.add(new Record(provider, List.copyOf(ids), messageId));
      return answer;
    }

    @Override
    public CompletionStage<java.util.Optional<String>> find(String provider, String id) {
      return CompletableFuture.completedFuture(java.util.Optional.empty());
    }
  }

  static final class NoEvents implements ProviderEvents {
    @Override
    public CompletionStage<Void> receipt(DeliveryReceipt receipt) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> inbound(InboundMessage message) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void sessionLost(String cause) {}
  }
}
