package dev.switchboard.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.delivery.HistoryEntry;
import dev.switchboard.engine.delivery.MessageView;
import dev.switchboard.engine.health.ComponentReport;
import dev.switchboard.engine.message.MessageStatus;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.persistence.DatabaseSettings;
import dev.switchboard.engine.persistence.SqlStore;
import dev.switchboard.engine.provider.InboundMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Customer webhooks end to end on a real database: receivers on loopback that check signatures,
 * fail, refuse, hang or come back; dead-lettering and redelivery; a restart on the same table.
 * Subclasses pick the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WebhookDeliveryContract {
  private static final Duration SETTLE = Duration.ofSeconds(20);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_ATTEMPTS = 4;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String acme = "acme-" + run;
  private final String silent = "silent-" + run;
  private final String unsigned = "unsigned-" + run;
  private ActorTestKit testKit;
  private WebhookSettings settings;
  private SimpleMeterRegistry meters;
  private Receiver inbox;
  private List<WebhookAccount> accounts;
  private Webhooks webhooks;

  abstract DatabaseSettings db();

  /** Gives the database back once the class is done with it. */
  void release() {}

  @BeforeAll
  void start() throws Exception {
    testKit = ActorTestKit.create("webhooks-" + run);
    settings =
        WebhookSettings.create(
            ConfigFactory.parseMap(
                    Map.ofEntries(
                        Map.entry("switchboard.webhooks.allow-private", true),
                        Map.entry("switchboard.webhooks.poll-interval", "100ms"),
                        Map.entry("switchboard.webhooks.max-attempts", MAX_ATTEMPTS),
                        Map.entry("switchboard.webhooks.backoff.min", "20ms"),
                        Map.entry("switchboard.webhooks.backoff.max", "100ms"),
                        Map.entry("switchboard.webhooks.connect-timeout", "500ms"),
                        Map.entry("switchboard.webhooks.request-timeout", "5s"),
                        Map.entry("switchboard.webhooks.lease", "10s"),
                        Map.entry("switchboard.webhooks.per-target-concurrency", 2),
                        Map.entry("switchboard.webhooks.max-concurrency", 8),
                        Map.entry("switchboard.webhooks.sample-interval", "100ms")))
                .withFallback(ConfigFactory.load()));
    inbox = Receiver.start("s-acme");
    accounts =
        List.of(
            new WebhookAccount(acme, inbox.url(), "s-acme"),
            new WebhookAccount(silent, null, "s-silent"),
            new WebhookAccount(unsigned, null, null));
    meters = new SimpleMeterRegistry();
    webhooks = startWebhooks();
  }

  private Webhooks startWebhooks() {
    return Webhooks.start(testKit.system(), settings, db(), accounts, meters, Clock.systemUTC());
  }

  @AfterAll
  void stop() throws Exception {
    if (webhooks != null) {
      webhooks.close();
    }
    // Events left pending by this class must not reach other tests' dispatchers on this table.
    try (SqlStore store = SqlStore.open(db(), 1, ForkJoinPool.commonPool())) {
      store
          .run(
              connection -> {
                try (var st =
                    connection.prepareStatement(
                        "DELETE FROM " + Outbox.TABLE + " WHERE account IN (?, ?, ?)")) {
                  st.setString(1, acme);
                  st.setString(2, silent);
                  st.setString(3, unsigned);
                  return st.executeUpdate();
                }
              })
          .get();
    }
    if (inbox != null) {
      inbox.close();
    }
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
    release();
  }

  @Test
  void signedStatusEventArrivesOnceEvenWhenQueuedTwice() throws Exception {
    try (Receiver receiver = Receiver.start("s-acme")) {
      MessageView view = view(acme, receiver.url(), MessageStatus.ACCEPTED, MessageStatus.SENDING);
      String id = EventIds.status(view.message().id(), 1);

      webhooks.statusChanged(view).toCompletableFuture().get();
      webhooks.statusChanged(view).toCompletableFuture().get();

      await().atMost(SETTLE).until(() -> state(id).equals(OutboxRow.DELIVERED));
      assertThat(receiver.calls()).hasSize(1);
      Receiver.Call call = receiver.calls().get(0);
      assertThat(call.signatureValid()).isTrue();
      assertThat(call.eventId()).isEqualTo(id);
      assertThat(MAPPER.readTree(call.body()).path("type").asText()).isEqualTo("message.status");
      assertThat(MAPPER.readTree(call.body()).path("data").path("status").asText())
          .isEqualTo("sending");
      assertThat(row(id).attempts()).isEqualTo(1);
    }
  }

  @Test
  void messageWithoutCallbackUrlQueuesNothing() throws Exception {
    MessageView view = view(acme, null, MessageStatus.ACCEPTED);

    webhooks.statusChanged(view).toCompletableFuture().get();

    assertThat(find(EventIds.status(view.message().id(), 0))).isEmpty();
  }

  @Test
  void inboundMessageGoesToItsAccountsInboundUrlOnlyIfItHasOne() throws Exception {
    InboundMessage in = inbound("in_" + UUID.randomUUID(), acme);
    InboundMessage nowhere = inbound("in_" + UUID.randomUUID(), silent);

    webhooks.inbound(in).toCompletableFuture().get();
    webhooks.inbound(nowhere).toCompletableFuture().get();

    String id = EventIds.inbound(in.id());
    await()
        .atMost(SETTLE)
        .until(() -> inbox.delivered().stream().anyMatch(c -> id.equals(c.eventId())));
    Receiver.Call call =
        inbox.delivered().stream().filter(c -> id.equals(c.eventId())).findFirst().orElseThrow();
    assertThat(call.signatureValid()).isTrue();
    assertThat(MAPPER.readTree(call.body()).path("data").path("text").asText()).isEqualTo("STOP");
    assertThat(find(EventIds.inbound(nowhere.id()))).isEmpty();
    assertThat(
            meters
                .counter(
                    "switchboard.webhook.dropped",
                    "type",
                    "message.inbound",
                    "reason",
                    "no_inbound_url")
                .count())
        .isPositive();
  }

  @Test
  void failingReceiverGetsTheSameEventLaterExactlyOnce() throws Exception {
    try (Receiver receiver = Receiver.start("s-acme")) {
      receiver.failNext(2);
      MessageView view = view(acme, receiver.url(), MessageStatus.ACCEPTED);
      String id = EventIds.status(view.message().id(), 0);

      webhooks.statusChanged(view).toCompletableFuture().get();

      await().atMost(SETTLE).until(() -> state(id).equals(OutboxRow.DELIVERED));
      assertThat(receiver.calls())
          .extracting(Receiver.Call::answered)
          .containsExactly(500, 500, 204);
      assertThat(receiver.calls()).extracting(Receiver.Call::eventId).containsOnly(id);
      assertThat(receiver.calls()).allMatch(Receiver.Call::signatureValid);
      assertThat(receiver.delivered()).hasSize(1);
      assertThat(row(id).attempts()).isEqualTo(3);
      assertThat(row(id).lastError()).isEqualTo("HTTP 500");
    }
  }

  @Test
  void receiverDownPastTheLastAttemptIsDeadLetteredListedAndRedelivered() throws Exception {
    try (Receiver receiver = Receiver.start("s-acme")) {
      receiver.down(true);
      MessageView view = view(acme, receiver.url(), MessageStatus.ACCEPTED);
      String id = EventIds.status(view.message().id(), 0);

      webhooks.statusChanged(view).toCompletableFuture().get();

      await().atMost(SETTLE).until(() -> state(id).equals(OutboxRow.DEAD));
      assertThat(receiver.calls()).hasSize(MAX_ATTEMPTS);
      OutboxRow dead = row(id);
      assertThat(dead.lastError()).isEqualTo("HTTP 503");
      assertThat(dead.attempts()).isEqualTo(MAX_ATTEMPTS);
      FailedPage page = webhooks.failed(acme, 100, Optional.empty()).toCompletableFuture().get();
      assertThat(page.rows()).extracting(OutboxRow::id).contains(id);
      assertThat(webhooks.failed(silent, 100, Optional.empty()).toCompletableFuture().get().rows())
          .extracting(OutboxRow::id)
          .doesNotContain(id);
      await()
          .atMost(SETTLE)
          .until(() -> ((Number) webhooks.health().report().details().get("dead")).longValue() > 0);
      ComponentReport health = webhooks.health().report();
      assertThat(health.up()).as("a dead receiver never makes the node unready").isTrue();
      assertThat(
              meters
                  .counter(
                      "switchboard.webhook.deliveries", "type", "message.status", "result", "dead")
                  .count())
          .isPositive();

      receiver.down(false);
      assertThat(webhooks.redeliver(silent, id).toCompletableFuture().get()).isEmpty();
      assertThat(webhooks.redeliver(acme, id).toCompletableFuture().get()).isPresent();

      await().atMost(SETTLE).until(() -> state(id).equals(OutboxRow.DELIVERED));
      assertThat(receiver.delivered()).hasSize(1);
      assertThat(row(id).attempts()).isEqualTo(1);
      assertThat(webhooks.redeliver(acme, id).toCompletableFuture().get()).isEmpty();
    }
  }

  @Test
  void refusedConnectionIsRecordedInOurWords() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    MessageView view =
        view(acme, "http://127.0.0.1:" + closedPort + "/hooks", MessageStatus.ACCEPTED);
    String id = EventIds.status(view.message().id(), 0);

    webhooks.statusChanged(view).toCompletableFuture().get();

    await().atMost(SETTLE).until(() -> state(id).equals(OutboxRow.DEAD));
    assertThat(row(id).lastError()).isEqualTo("connection refused");
  }

  @Test
  void deliveredEventsPastTheirRetentionArePurgedDeadOnesKept() throws Exception {
    try (Receiver receiver = Receiver.start("s-acme")) {
      MessageView delivered = view(acme, receiver.url(), MessageStatus.ACCEPTED);
      String deliveredId = EventIds.status(delivered.message().id(), 0);
      MessageView refused = view(unsigned, receiver.url(), MessageStatus.ACCEPTED);
      String deadId = EventIds.status(refused.message().id(), 0);
      webhooks.statusChanged(delivered).toCompletableFuture().get();
      webhooks.statusChanged(refused).toCompletableFuture().get();
      await().atMost(SETTLE).until(() -> state(deliveredId).equals(OutboxRow.DELIVERED));
      await().atMost(SETTLE).until(() -> state(deadId).equals(OutboxRow.DEAD));

      webhooks.outbox().purgeDelivered(Instant.now().plusSeconds(1), 100_000).get();

      assertThat(find(deliveredId)).isEmpty();
      assertThat(find(deadId)).isPresent();
    }
  }

  @Test
  void accountWithoutSecretIsDeadLetteredNeverSentUnsigned() throws Exception {
    try (Receiver receiver = Receiver.start("")) {
      MessageView view = view(unsigned, receiver.url(), MessageStatus.ACCEPTED);
      String id = EventIds.status(view.message().id(), 0);

      webhooks.statusChanged(view).toCompletableFuture().get();

      await().atMost(SETTLE).until(() -> state(id).equals(OutboxRow.DEAD));
      assertThat(row(id).lastError()).contains("no webhook secret");
      assertThat(row(id).attempts()).isEqualTo(1);
      assertThat(receiver.arrived()).isZero();
    }
  }

  @Test
  void hangingReceiverNeverDelaysAnotherTarget() throws Exception {
    try (Receiver slow = Receiver.start("s-acme");
        Receiver fast = Receiver.start("s-acme")) {
      slow.hang();
      for (int i = 0; i < 6; i++) {
        webhooks
            .statusChanged(view(acme, slow.url(), MessageStatus.ACCEPTED))
            .toCompletableFuture()
            .get();
      }
      await().atMost(SETTLE).until(() -> slow.arrived() == 2);

      Instant started = Instant.now();
      for (int i = 0; i < 3; i++) {
        webhooks
            .statusChanged(view(acme, fast.url(), MessageStatus.ACCEPTED))
            .toCompletableFuture()
            .get();
      }

      // Inside the slow receiver's request timeout (5 s): its two requests still hang.
      await().atMost(Duration.ofSeconds(4)).until(() -> fast.delivered().size() == 3);
      assertThat(Duration.between(started, Instant.now())).isLessThan(settings.requestTimeout());
      assertThat(slow.arrived()).as("at most per-target-concurrency at once").isEqualTo(2);
      assertThat(slow.calls()).isEmpty();
      slow.release();
    }
  }

  @Test
  void pendingEventsContinueAfterARestartAndClaimsNeverOverlap() throws Exception {
    webhooks.close();
    try (Receiver receiver = Receiver.start("s-acme");
        SqlStore store = SqlStore.open(db(), 2, ForkJoinPool.commonPool())) {
      Outbox outbox = new Outbox(store);
      List<String> ids =
          IntStream.range(0, 3)
              .mapToObj(
                  i -> WebhookEvent.status(view(acme, receiver.url(), MessageStatus.ACCEPTED)))
              .map(
                  event -> {
                    outbox.enqueue(event, Instant.now()).join();
                    return event.id();
                  })
              .toList();
      // Two dispatchers claiming at the same moment never get the same event.
      Instant now = Instant.now();
      List<String> first =
          outbox.claim("one", now, now.plusSeconds(1), 1000, 1000, Map.of()).get().stream()
              .map(OutboxRow::id)
              .toList();
      List<String> second =
          outbox.claim("two", now, now.plusSeconds(1), 1000, 1000, Map.of()).get().stream()
              .map(OutboxRow::id)
              .toList();
      assertThat(first).containsAll(ids);
      assertThat(second).doesNotContainAnyElementsOf(ids);
      assertThat(outbox.record(ids.get(0), "two", OutboxRow.DELIVERED, 1, now, null, now).get())
          .as("only the lease holder writes a result")
          .isFalse();

      webhooks = startWebhooks();

      await().atMost(SETTLE).until(() -> receiver.delivered().size() == 3);
      assertThat(receiver.delivered())
          .extracting(Receiver.Call::eventId)
          .containsExactlyInAnyOrderElementsOf(ids);
    }
  }

  private String state(String id) throws Exception {
    return find(id).map(OutboxRow::state).orElse("missing");
  }

  private OutboxRow row(String id) throws Exception {
    return find(id).orElseThrow();
  }

  private Optional<OutboxRow> find(String id) throws Exception {
    return webhooks.outbox().find(id).get();
  }

  private static InboundMessage inbound(String id, String account) {
    return new InboundMessage(
        id, account, "sms", "sandbox", "+447700900999", "+447700900000", "STOP", Instant.now());
  }

  static MessageView view(String account, String callbackUrl, MessageStatus... steps) {
    Instant t0 = Instant.now();
    OutboundMessage message =
        new OutboundMessage(
            "msg_" + UUID.randomUUID(),
            account,
            "sandbox",
            "+447700900123",
            null,
            "Hello",
            callbackUrl,
            0,
            Map.of(),
            t0);
    List<HistoryEntry> history =
        IntStream.range(0, steps.length)
            .mapToObj(i -> new HistoryEntry(steps[i], t0.plusMillis(i), null, null))
            .toList();
    return new MessageView(message, steps[steps.length - 1], 1, history, null, t0);
  }
}
