package dev.switchboard.http.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.switchboard.engine.broker.MessageCodec;
import dev.switchboard.engine.broker.Topology;
import dev.switchboard.engine.delivery.MessageEntity;
import dev.switchboard.engine.message.MessageIds;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.persistence.DatabaseSettings;
import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.http.auth.ApiKeys;
import dev.switchboard.http.testing.TestNode;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The reconciler on a real node, broker and journal: messages stuck as they get stuck in real runs
 * (a receipt that never comes, a job that never reached the broker, a retry whose timer died with
 * its node) reach an end, and closed messages are not read again. Subclasses pick the journal; each
 * test has a journal of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReconcilerContract {
  private static final Duration SETTLE = Duration.ofSeconds(30);

  private String amqpUri;
  private final java.util.List<TestNode> nodes = new java.util.ArrayList<>();

  /** A node on a fresh journal (a new one for each {@code journal} name) with these settings. */
  abstract TestNode start(String amqpUri, String journal, Map<String, Object> settings);

  /** Drops the journals made for the class. */
  void release() {}

  @BeforeAll
  void vhost() {
    amqpUri = SharedBroker.freshVhostUri("reconciler");
  }

  @AfterEach
  void stopNodes() {
    nodes.forEach(TestNode::close);
    nodes.clear();
  }

  @AfterAll
  void cleanUp() {
    SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
    release();
  }

  private TestNode node(String journal, Map<String, Object> extra) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("switchboard.engine.reconciler.enabled", true);
    settings.put("switchboard.engine.reconciler.interval", "1s");
    settings.put("switchboard.engine.reconciler.accepted-grace", "2s");
    settings.put("switchboard.engine.reconciler.retry-grace", "1s");
    settings.put("switchboard.engine.reconciler.recent-lag", "1s");
    settings.put("switchboard.engine.delivery.retry-backoff.min", "2s");
    settings.put("switchboard.engine.delivery.retry-backoff.max", "2s");
    // The sms channel's sandbox never sends its receipt in time; its window is short.
    settings.put("switchboard.engine.channels.sms.receipt-delay", "1h");
    settings.put("switchboard.engine.channels.sms.receipt-window", "3s");
    settings.putAll(extra);
    TestNode node = start(amqpUri, journal, settings);
    nodes.add(node);
    return node;
  }

  private TestNode node(String journal) {
    return node(journal, Map.of());
  }

  @Test
  void sentMessageWithoutReceiptEndsAsSentNoReceiptAndALateReceiptStillDeliversIt()
      throws Exception {
    TestNode node = node("window");
    TestNode.Response sent =
        node.post("/v1/messages", "{\"channel\":\"sms\",\"to\":\"+447700900123\",\"text\":\"hi\"}");
    assertThat(sent.status()).as(sent.body()).isEqualTo(202);
    String id = sent.json().path("id").asText();
    await().atMost(SETTLE).until(() -> "sent".equals(node.statusOf(id)));
    assertThat(node.get("/v1/messages/" + id).json().path("terminal").asBoolean()).isFalse();

    await().atMost(SETTLE).until(() -> read(node, id).path("terminal").asBoolean());
    JsonNode closed = read(node, id);
    assertThat(closed.path("status").asText()).isEqualTo("sent");
    assertThat(closed.path("error").path("code").asText()).isEqualTo("no_receipt");
    assertThat(closed.path("error").path("message").asText())
        .isEqualTo("no delivery receipt within 3s");
    JsonNode history = closed.path("history");
    assertThat(history.get(history.size() - 1).path("error").path("code").asText())
        .isEqualTo("no_receipt");
    // Counted when the pass that closed it ends.
    await()
        .atMost(SETTLE)
        .until(() -> node.metric("switchboard_reconciler_windows_closed_total") > 0);

    // The receipt comes after all: better information, it ends the message as delivered.
    String providerId = history.get(2).path("providerMessageId").asText();
    publishReceipt(
        new DeliveryReceipt(
            "sms",
            "sms.sandbox",
            providerId,
            id,
            DeliveryReceipt.Outcome.DELIVERED,
            null,
            Instant.now()));
    await().atMost(SETTLE).until(() -> "delivered".equals(node.statusOf(id)));
    JsonNode delivered = read(node, id);
    assertThat(delivered.path("terminal").asBoolean()).isTrue();
    assertThat(delivered.path("error").isNull()).isTrue();
  }

  @Test
  void acceptedMessageWhoseJobNeverReachedTheBrokerIsRepublishedAndDelivered() {
    TestNode node = node("accepted");
    OutboundMessage message = message("sandbox");
    // Journaled through its entity, as the gateway does, but never published.
    accept(node, message);
    assertThat(node.statusOf(message.id())).isEqualTo("accepted");

    await().atMost(SETTLE).until(() -> "delivered".equals(node.statusOf(message.id())));
    assertThat(read(node, message.id()).path("terminal").asBoolean()).isTrue();
    assertThat(node.metric("switchboard_reconciler_republished_total", "reason=\"accepted\""))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void retryingMessageWhoseRetryDiedWithItsNodeIsRepublishedAndEnds() {
    // Retries far apart on the first node, so it stops with the retry still ahead.
    TestNode first =
        node(
            "retrying",
            Map.of(
                "switchboard.engine.delivery.retry-backoff.min", "60s",
                "switchboard.engine.delivery.retry-backoff.max", "60s",
                "switchboard.engine.delivery.job-timeout", "600s"));
    // Fails on its first two attempts; its job is handed to the entity directly, never published.
    OutboundMessage message = message("sandbox", "+447700900002");
    accept(first, message);
    entity(first, message.id())
        .<MessageEntity.JobDone>ask(
            replyTo -> new MessageEntity.Deliver(message, replyTo), Duration.ofSeconds(1));
    await().atMost(SETTLE).until(() -> "retrying".equals(first.statusOf(message.id())));
    first.close();
    nodes.remove(first);

    TestNode second = node("retrying");
    await().atMost(SETTLE).until(() -> "delivered".equals(second.statusOf(message.id())));
    assertThat(second.metric("switchboard_reconciler_republished_total", "reason=\"retrying\""))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void aMessageWaitingForItsReceiptDoesNotHoldTheWatermarkBackAndItsWindowStillCloses()
      throws Exception {
    TestNode node = node("parked", Map.of("switchboard.engine.channels.sms.receipt-window", "10s"));
    TestNode.Response sent =
        node.post("/v1/messages", "{\"channel\":\"sms\",\"to\":\"+447700900123\",\"text\":\"hi\"}");
    String id = sent.json().path("id").asText();
    await().atMost(SETTLE).until(() -> "sent".equals(node.statusOf(id)));
    deliver(node);
    long after = maxOrdering(node);

    // Days of receipt window must not make every pass read the journal since the send again.
    await().atMost(SETTLE).until(() -> node.metric("switchboard_reconciler_watermark") >= after);
    assertThat(read(node, id).path("terminal").asBoolean()).as("still waiting").isFalse();
    String parked = "SELECT COUNT(*) FROM switchboard_reconciler_receipts WHERE persistence_id = ?";
    assertThat(query(node, parked, List.of("Message|" + id))).isEqualTo(1);

    await().atMost(SETTLE).until(() -> read(node, id).path("terminal").asBoolean());
    JsonNode closed = read(node, id);
    assertThat(closed.path("error").path("code").asText()).isEqualTo("no_receipt");
    assertThat(closed.path("error").path("message").asText())
        .isEqualTo("no delivery receipt within 10s");
    await().atMost(SETTLE).until(() -> query(node, parked, List.of("Message|" + id)) == 0);
  }

  @Test
  void closedMessagesAreBelowTheWatermarkAndARestartStartsFromIt() throws Exception {
    TestNode node = node("watermark");
    for (int i = 0; i < 3; i++) {
      deliver(node);
    }
    long closed = maxOrdering(node);
    await().atMost(SETTLE).until(() -> node.metric("switchboard_reconciler_watermark") >= closed);

    // A message no node here can send (its channel is not served) stays open: it holds the
    // watermark below itself while closed messages after it are passed over.
    OutboundMessage stuck = message("twitter");
    accept(node, stuck);
    long open = ordering(node, stuck.id());
    deliver(node);
    long after = maxOrdering(node);
    assertThat(after).isGreaterThan(open);
    await()
        .atMost(SETTLE)
        .until(
            () ->
                node.metric("switchboard_reconciler_watermark") == open - 1
                    && node.metric("switchboard_reconciler_overdue_total") >= 1);

    node.close();
    nodes.remove(node);
    TestNode restarted = node("watermark");
    await()
        .atMost(SETTLE)
        .until(() -> restarted.metric("switchboard_reconciler_passes_total") >= 1);
    // The first pass after the restart read from the saved watermark, not the journal's start.
    assertThat(restarted.metric("switchboard_reconciler_scan_from")).isEqualTo(open - 1);
  }

  private void deliver(TestNode node) {
    String id = node.sendSandbox("+447700900123", "closed").json().path("id").asText();
    await().atMost(SETTLE).until(() -> "delivered".equals(node.statusOf(id)));
  }

  private static JsonNode read(TestNode node, String id) {
    return node.get("/v1/messages/" + id).json();
  }

  private static OutboundMessage message(String channel) {
    return message(channel, "+447700900123");
  }

  private static OutboundMessage message(String channel, String to) {
    return new OutboundMessage(
        MessageIds.random(),
        ApiKeys.DEFAULT_ACCOUNT,
        channel,
        to,
        null,
        "stuck",
        null,
        0,
        Map.of(),
        Instant.now());
  }

  private static EntityRef<MessageEntity.Command> entity(TestNode node, String id) {
    return ClusterSharding.get(node.app().system()).entityRefFor(MessageEntity.TYPE_KEY, id);
  }

  private static void accept(TestNode node, OutboundMessage message) {
    try {
      entity(node, message.id())
          .<MessageEntity.AcceptReply>ask(
              replyTo -> new MessageEntity.Accept(message, replyTo), Duration.ofSeconds(10))
          .toCompletableFuture()
          .get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("not accepted", e);
    }
  }

  private void publishReceipt(DeliveryReceipt receipt) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(amqpUri);
    try (Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      channel.confirmSelect();
      channel.basicPublish(
          Topology.Flow.RECEIPTS.exchange(),
          receipt.channel(),
          new AMQP.BasicProperties.Builder()
              .contentType(MessageCodec.CONTENT_TYPE)
              .deliveryMode(2)
              .build(),
          MessageCodec.RECEIPT.encode(receipt));
      channel.waitForConfirmsOrDie(10_000);
    }
  }

  private static long maxOrdering(TestNode node) throws Exception {
    return query(node, "SELECT MAX(\"ordering\") FROM \"event_journal\"", List.of());
  }

  private static long ordering(TestNode node, String id) throws Exception {
    return query(
        node,
        "SELECT MAX(\"ordering\") FROM \"event_journal\" WHERE \"persistence_id\" = ?",
        List.of("Message|" + id));
  }

  private static long query(TestNode node, String sql, List<Object> params) throws Exception {
    DatabaseSettings db = DatabaseSettings.create(node.app().system().settings().config());
    try (java.sql.Connection connection =
            DriverManager.getConnection(db.url(), db.user(), db.password());
        PreparedStatement st = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        st.setObject(i + 1, params.get(i));
      }
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
