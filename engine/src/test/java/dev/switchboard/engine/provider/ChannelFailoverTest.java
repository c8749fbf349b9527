package dev.switchboard.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.engine.message.OutboundMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A channel of two real provider runtimes over scripted adapters whose sessions stay up: the first
 * one's sends fail (5xx-like transient failures, or no answer at all), its breaker opens, traffic
 * moves to the second, and returns once the first answers again and its trial succeeds.
 */
class ChannelFailoverTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration OPEN_FOR = Duration.ofSeconds(30);
  private static final ActorTestKit testKit = ActorTestKit.create("ChannelFailoverTest");
  private static final ExecutorService blocking = Executors.newCachedThreadPool();

  private ChannelRouteTest.TestClock clock;
  private ScriptedAdapter primary;
  private ScriptedAdapter secondary;
  private ProviderHealth primaryHealth;
  private ChannelRoute route;
  private List<ActorRef<ProviderRuntime.Command>> runtimes;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
    blocking.shutdownNow();
  }

  @BeforeEach
  void setUp() {
    clock = new ChannelRouteTest.TestClock(Instant.now());
    primary = new ScriptedAdapter();
    secondary = new ScriptedAdapter();
    String id = UUID.randomUUID().toString();
    ChannelRoute.Instance first = start("primary-" + id, primary);
    ChannelRoute.Instance second = start("secondary-" + id, secondary);
    primaryHealth = first.health();
    runtimes = List.of(first.runtime(), second.runtime());
    route =
        new ChannelRoute(
            "sms",
            List.of(first, second),
            WAIT,
            testKit.scheduler(),
            testKit.system().executionContext());
    await().atMost(WAIT).until(() -> first.health().available() && second.health().available());
  }

  @AfterEach
  void stop() {
    runtimes.forEach(r -> testKit.stop(r, WAIT));
  }

  @Test
  void failingSendsMoveTrafficToTheSecondAndASuccessfulTrialBringsItBack() throws Exception {
    primary.answer = () -> failed("http_503");

    for (int i = 0; i < 3; i++) {
      assertThat(send()).isInstanceOf(SendOutcome.TransientFailure.class);
    }

    assertThat(primaryHealth.breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
    for (int i = 0; i < 5; i++) {
      assertThat(send()).isInstanceOf(SendOutcome.Sent.class);
    }
    assertThat(primary.calls.get()).isEqualTo(3);
    assertThat(secondary.calls.get()).isEqualTo(5);

    primary.answer = ChannelFailoverTest::sent;
    clock.advance(OPEN_FOR);
    assertThat(send()).as("the trial").isInstanceOf(SendOutcome.Sent.class);
    assertThat(primary.calls.get()).isEqualTo(4);
    assertThat(primaryHealth.breaker().state()).isEqualTo(CircuitBreaker.State.CLOSED);

    for (int i = 0; i < 5; i++) {
      assertThat(send()).isInstanceOf(SendOutcome.Sent.class);
    }
    assertThat(primary.calls.get()).isEqualTo(9);
    assertThat(secondary.calls.get()).isEqualTo(5);
  }

  @Test
  void sendsThatTimeOutOpenItToo() throws Exception {
    primary.answer = CompletableFuture::new;

    for (int i = 0; i < 3; i++) {
      assertThat(((SendOutcome.TransientFailure) send()).code()).isEqualTo("provider_timeout");
    }

    assertThat(primaryHealth.breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(primaryHealth.breaker().snapshot().reason()).endsWith("provider_timeout");
    assertThat(send()).isInstanceOf(SendOutcome.Sent.class);
    assertThat(secondary.calls.get()).isEqualTo(1);
  }

  @Test
  void aFailedTrialKeepsTrafficOnTheSecond() throws Exception {
    primary.answer = () -> failed("http_500");
    for (int i = 0; i < 3; i++) {
      send();
    }

    clock.advance(OPEN_FOR);
    assertThat(send()).as("the trial").isInstanceOf(SendOutcome.TransientFailure.class);

    assertThat(primaryHealth.breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(send()).isInstanceOf(SendOutcome.Sent.class);
    assertThat(primary.calls.get()).isEqualTo(4);
    assertThat(secondary.calls.get()).isEqualTo(1);
  }

  private SendOutcome send() throws Exception {
    OutboundMessage message =
        new OutboundMessage(
            "m-" + UUID.randomUUID(),
            "acct",
            "sms",
            "+447700900123",
            null,
            "hello",
            null,
            0,
            Map.of(),
            Instant.now());
    return route.send(message, 1).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private ChannelRoute.Instance start(String name, ScriptedAdapter adapter) {
    ProviderLimits limits = new ProviderLimits(10, 0);
    // Three failures in a row open it for 30 s (the test's clock); one good trial closes it.
    ProviderHealth health =
        new ProviderHealth(
            name, "sms", adapter.peer(), clock, TestBreakers.consecutive(3, OPEN_FOR, 1));
    ProviderSettings settings =
        new ProviderSettings(
            limits,
            Duration.ofMillis(200),
            Duration.ofSeconds(2),
            Duration.ofMillis(300),
            Duration.ofSeconds(5),
            Duration.ofSeconds(1),
            Duration.ofMillis(50),
            Duration.ofSeconds(1),
            0.0,
            Duration.ofSeconds(5),
            1000,
            TestBreakers.off());
    ActorRef<ProviderRuntime.Command> runtime =
        testKit.spawn(
            ProviderRuntime.create(
                new ProviderRuntime.Setup(
                    name,
                    adapter,
                    limits,
                    settings,
                    health,
                    new ProviderMetrics(new SimpleMeterRegistry(), health, limits),
                    new ProviderRuntimeTest.NoEvents(),
                    new ProviderRuntimeTest.FakeIndex(),
                    blocking)));
    return new ChannelRoute.Instance(runtime, health);
  }

  private static CompletionStage<SendOutcome> sent() {
    return CompletableFuture.completedFuture(new SendOutcome.Sent("x-" + UUID.randomUUID()));
  }

  private static CompletionStage<SendOutcome> failed(String code) {
    return CompletableFuture.completedFuture(
        new SendOutcome.TransientFailure(code, "the provider failed", null));
  }

  /** A session that stays up and answers each send as the test says at the time. */
  static final class ScriptedAdapter implements ProviderAdapter {
    final AtomicInteger calls = new AtomicInteger();
    volatile Supplier<CompletionStage<SendOutcome>> answer = ChannelFailoverTest::sent;

    @Override
    public String peer() {
      return "scripted:1";
    }

    @Override
    public boolean receiptsNameOurIds() {
      return true;
    }

    @Override
    public ProviderSession open(ProviderEvents events) {
      return new ProviderSession() {
        @Override
        public CompletionStage<SendOutcome> send(OutboundMessage message, int attempt) {
          calls.incrementAndGet();
          return answer.get();
        }

        @Override
        public void close() {}
      };
    }
  }
}
