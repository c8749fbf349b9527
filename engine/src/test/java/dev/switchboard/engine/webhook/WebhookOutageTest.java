package dev.switchboard.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.delivery.MessageView;
import dev.switchboard.engine.message.MessageStatus;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.testing.PostgresSchema;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A customer's receiver down for a full minute (its port refusing connections for half of it, then
 * answering 503), at the default retry schedule of {@code reference.conf}: every event queued
 * meanwhile reaches it once it is back, each exactly once, signed. The schedule's jitter is pinned
 * at its ceiling (every wait the longest the default allows), so the run takes the same ~70 s each
 * time; drawn at random, the first event arrives after a median 87 s and after 150 s in 1 run in 9.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookOutageTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration REFUSING = Duration.ofSeconds(25);
  private static final Duration OUTAGE = Duration.ofSeconds(60);

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String account = "outage-" + run;
  private final PostgresSchema schema = PostgresSchema.create("outage");
  private ActorTestKit testKit;
  private WebhookSettings settings;
  private Receiver receiver;
  private Webhooks webhooks;

  @BeforeAll
  void start() throws Exception {
    testKit = ActorTestKit.create("webhook-outage-" + run);
    // Only what a loopback receiver needs; the schedule, timeouts and attempts are the defaults.
    settings =
        WebhookSettings.create(
            ConfigFactory.parseMap(Map.of("switchboard.webhooks.allow-private", true))
                .withFallback(ConfigFactory.load()));
    receiver = Receiver.start("s-" + run);
    webhooks =
        Webhooks.start(
            testKit.system(),
            settings,
            schema.db(),
            List.of(new WebhookAccount(account, receiver.url(), "s-" + run)),
            new SimpleMeterRegistry(),
            Clock.systemUTC(),
            new CeilingJitter());
  }

  @AfterAll
  void stop() throws Exception {
    if (webhooks != null) {
      webhooks.close();
    }
    if (receiver != null) {
      receiver.close();
    }
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
    schema.close();
  }

  @Test
  void receiverDownForAMinuteGetsEveryEventOnceWhenBack() throws Exception {
    assertThat(settings.backoff())
        .as("the default schedule of reference.conf")
        .isEqualTo(new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(10), 2.0));
    assertThat(settings.maxAttempts()).isEqualTo(30);
    Instant down = Instant.now();
    receiver.stopListening();

    List<String> refusedPhase = new ArrayList<>();
    refusedPhase.add(status(MessageStatus.ACCEPTED));
    refusedPhase.add(status(MessageStatus.ACCEPTED, MessageStatus.SENDING, MessageStatus.RETRYING));
    refusedPhase.add(inbound());
    await()
        .atMost(REFUSING.plusSeconds(10))
        .until(
            () ->
                since(down).compareTo(REFUSING) >= 0
                    && refusedPhase.stream()
                        .allMatch(id -> lastError(id).equals("connection refused")));

    receiver.down(true);
    receiver.listenAgain();
    // The first events' sixth attempt (at 31 s) meets the 503s; the next ones are queued then.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> refusedPhase.stream().anyMatch(id -> lastError(id).equals("HTTP 503")));
    List<String> unavailablePhase = new ArrayList<>();
    unavailablePhase.add(status(MessageStatus.ACCEPTED, MessageStatus.SENDING, MessageStatus.SENT));
    unavailablePhase.add(inbound());
    List<String> all = new ArrayList<>(refusedPhase);
    all.addAll(unavailablePhase);
    await()
        .atMost(OUTAGE.minus(REFUSING).plusSeconds(10))
        .until(
            () ->
                since(down).compareTo(OUTAGE) >= 0
                    && unavailablePhase.stream().allMatch(id -> lastError(id).equals("HTTP 503")));
    assertThat(receiver.delivered()).isEmpty();
    assertThat(all).allMatch(id -> state(id).equals(OutboxRow.PENDING));

    receiver.down(false);
    Instant back = Instant.now();

    // At the ceiling, the event queued first is tried at 0, 1, 3, 7, 15, 31 and 63 s.
    await()
        .atMost(Duration.ofSeconds(70))
        .until(() -> all.stream().allMatch(id -> state(id).equals(OutboxRow.DELIVERED)));
    assertThat(receiver.delivered())
        .as("each event delivered exactly once, the receiver deduplicating nothing")
        .extracting(Receiver.Call::eventId)
        .containsExactlyInAnyOrderElementsOf(all);
    assertThat(receiver.calls()).allMatch(Receiver.Call::signatureValid);
    assertThat(receiver.calls())
        .filteredOn(c -> c.answered() == 503)
        .extracting(Receiver.Call::eventId)
        .as("the 503 phase reached events of both phases")
        .containsAnyElementsOf(refusedPhase)
        .containsAll(unavailablePhase);
    for (Receiver.Call call : receiver.delivered()) {
      JsonNode body = MAPPER.readTree(call.body());
      assertThat(body.path("id").asText()).isEqualTo(call.eventId());
    }
    for (String id : refusedPhase) {
      assertThat(row(id).attempts()).as("retried through the outage: %s", id).isGreaterThan(5);
    }
    assertThat(row(refusedPhase.get(0)).attempts()).isEqualTo(7);
    assertThat(since(back)).isLessThan(Duration.ofSeconds(30));
  }

  private String status(MessageStatus... steps) throws Exception {
    MessageView view = WebhookDeliveryContract.view(account, receiver.url(), steps);
    webhooks.statusChanged(view).toCompletableFuture().get();
    return EventIds.status(view.message().id(), steps.length - 1);
  }

  private String inbound() throws Exception {
    InboundMessage in =
        new InboundMessage(
            "in_" + UUID.randomUUID(),
            account,
            "sms",
            "sandbox",
            "+447700900999",
            "+447700900000",
            "HELP",
            Instant.now());
    webhooks.inbound(in).toCompletableFuture().get();
    return EventIds.inbound(in.id());
  }

  private static Duration since(Instant t) {
    return Duration.between(t, Instant.now());
  }

  private String state(String id) {
    return webhooks.outbox().find(id).join().map(OutboxRow::state).orElse("missing");
  }

  private String lastError(String id) {
    return webhooks
        .outbox()
        .find(id)
        .join()
        .map(OutboxRow::lastError)
        .map(String::valueOf)
        .orElse("");
  }

  private OutboxRow row(String id) {
    return webhooks.outbox().find(id).join().orElseThrow();
  }

  /** Every draw at the top of its range: the default schedule's longest waits, deterministic. */
  private static final class CeilingJitter implements RandomGenerator {
    @Override
    public long nextLong() {
      return Long.MAX_VALUE;
    }

    @Override
    public long nextLong(long bound) {
      return bound - 1;
    }
  }
}
