package dev.switchboard.engine.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.delivery.MessageEntity.Accept;
import dev.switchboard.engine.delivery.MessageEntity.AcceptReply;
import dev.switchboard.engine.delivery.MessageEntity.Accepted;
import dev.switchboard.engine.delivery.MessageEntity.AttemptStarted;
import dev.switchboard.engine.delivery.MessageEntity.CloseReceiptWindow;
import dev.switchboard.engine.delivery.MessageEntity.Command;
import dev.switchboard.engine.delivery.MessageEntity.Deliver;
import dev.switchboard.engine.delivery.MessageEntity.Event;
import dev.switchboard.engine.delivery.MessageEntity.Expired;
import dev.switchboard.engine.delivery.MessageEntity.Failed;
import dev.switchboard.engine.delivery.MessageEntity.Get;
import dev.switchboard.engine.delivery.MessageEntity.Inspect;
import dev.switchboard.engine.delivery.MessageEntity.JobDone;
import dev.switchboard.engine.delivery.MessageEntity.Liveness;
import dev.switchboard.engine.delivery.MessageEntity.Lookup;
import dev.switchboard.engine.delivery.MessageEntity.PartReceiptRecorded;
import dev.switchboard.engine.delivery.MessageEntity.ProviderAccepted;
import dev.switchboard.engine.delivery.MessageEntity.ReceiptRecorded;
import dev.switchboard.engine.delivery.MessageEntity.ReceiptWindowClosed;
import dev.switchboard.engine.delivery.MessageEntity.RecordReceipt;
import dev.switchboard.engine.delivery.MessageEntity.RetryScheduled;
import dev.switchboard.engine.message.MessageIds;
import dev.switchboard.engine.message.MessageStatus;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.provider.ChannelProvider;
import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.provider.ProviderRegistry;
import dev.switchboard.engine.provider.SendOutcome;
import dev.switchboard.engine.webhook.CustomerEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResult;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MessageEntityTest {
  private static final Duration WAIT = Duration.ofSeconds(3);

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          "MessageEntityTest",
          EventSourcedBehaviorTestKit.config()
              .withFallback(
                  ConfigFactory.parseString(
                      "pekko.actor.provider = local\n"
                          + "pekko.actor.serialization-bindings {\n"
                          + "  \"dev.switchboard.engine.CborSerializable\" = jackson-cbor\n"
                          + "}"))
              .withFallback(ConfigFactory.load()));

  private static final DeliverySettings SETTINGS =
      new DeliverySettings(
          3,
          Duration.ofMillis(10),
          Duration.ofMillis(50),
          Duration.ofSeconds(2),
          Duration.ofSeconds(10),
          Duration.ofSeconds(2),
          Duration.ofSeconds(2),
          Duration.ofSeconds(1),
          Duration.ofMillis(100),
          Duration.ofSeconds(1),
          Duration.ofSeconds(30));

  private String id;
  private ScriptedProvider provider;
  private ScriptedEvents events;
  private SimpleMeterRegistry meters;
  private TestProbe<ClusterSharding.ShardCommand> shard;
  private TestProbe<JobDone> jobs;
  private EventSourcedBehaviorTestKit<Command, Event, MessageState> entity;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void setUp() {
    id = MessageIds.random();
    provider = new ScriptedProvider();
    events = new ScriptedEvents();
    meters = new SimpleMeterRegistry();
    shard = testKit.createTestProbe();
    jobs = testKit.createTestProbe();
    entity = entityWith(SETTINGS);
  }

  private EventSourcedBehaviorTestKit<Command, Event, MessageState> entityWith(
      DeliverySettings settings) {
    MessageEntity.Dependencies deps =
        new MessageEntity.Dependencies(
            ProviderRegistry.of(Map.of("sandbox", provider)),
            settings,
            new DeliveryMetrics(meters),
            events,
            Clock.systemUTC());
    return EventSourcedBehaviorTestKit.create(
        testKit.system(),
        MessageEntity.create(new EntityContext<>(MessageEntity.TYPE_KEY, id, shard.ref()), deps),
        // MessageState is package-private and not CborSerializable: it is never serialized (no
        // snapshots), so only commands and events are checked.
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false));
  }

  private OutboundMessage message() {
    return message(Instant.now(), 0);
  }

  private OutboundMessage message(Instant createdAt, long ttlSeconds) {
    return message(createdAt, ttlSeconds, null);
  }

  private OutboundMessage messageWithCallback() {
    return message(Instant.now(), 0, "https://customer.example/hooks");
  }

  private OutboundMessage message(Instant createdAt, long ttlSeconds, String callbackUrl) {
    return new OutboundMessage(
        id,
        "acct-1",
        "sandbox",
        "alice",
        null,
        "hello " + id,
        callbackUrl,
        ttlSeconds,
        Map.of("k", "v"),
        createdAt);
  }

  private AcceptReply accept(OutboundMessage message) {
    CommandResultWithReply<Command, Event, MessageState, AcceptReply> result =
        entity.runCommand(replyTo -> new Accept(message, replyTo));
    return result.reply();
  }

  private List<Object> journal() {
    return entity.persistenceTestKit().persistedInStorage("Message|" + id);
  }

  private void expectSentCountingPossibleDuplicates(double possibleDuplicates) {
    assertThat(jobs.expectMessageClass(JobDone.class, WAIT))
        .isEqualTo(new JobDone(id, MessageStatus.SENT));
    assertThat(counter("switchboard.delivery.possible.duplicate.sends"))
        .isEqualTo(possibleDuplicates);
  }

  /** What a read of the message shows now. */
  private MessageView read() {
    CommandResultWithReply<Command, Event, MessageState, Lookup> result =
        entity.runCommand(Get::new);
    return result.reply().view();
  }

  private MessageState awaitStatus(MessageStatus status) {
    await().atMost(WAIT).until(() -> entity.getState().status() == status);
    return entity.getState();
  }

  private double counter(String name) {
    return meters.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  private static List<MessageStatus> statuses(MessageState state) {
    return state.history().stream().map(HistoryEntry::status).toList();
  }

  private DeliveryReceipt receipt(String providerId, DeliveryReceipt.Outcome outcome) {
    return new DeliveryReceipt("sandbox", "sandbox", providerId, id, outcome, null, Instant.now());
  }

  private void sendAs(OutboundMessage message, SendOutcome.Sent sent) {
    accept(message);
    provider.then(sent);
    entity.runCommand(new Deliver(message, jobs.ref()));
    jobs.expectMessage(WAIT, new JobDone(id, MessageStatus.SENT));
  }

  @Test
  void closingTheReceiptWindowOfASentMessageMakesItTerminalWithNoReceipt() {
    OutboundMessage message = message();
    sendAs(message, new SendOutcome.Sent("prov-w1"));
    assertThat(read().terminal()).isFalse();

    CommandResultWithReply<Command, Event, MessageState, Lookup> result =
        entity.runCommand(replyTo -> new CloseReceiptWindow(Duration.ofHours(48), replyTo));

    assertThat(result.eventOfType(ReceiptWindowClosed.class).window())
        .isEqualTo(Duration.ofHours(48));
    MessageView view = result.reply().view();
    assertThat(view.status()).isEqualTo(MessageStatus.SENT);
    assertThat(view.terminal()).isTrue();
    assertThat(view.error())
        .isEqualTo(new MessageError("no_receipt", "no delivery receipt within 48h"));
    assertThat(view.history().get(view.history().size() - 1).error().code())
        .isEqualTo("no_receipt");
    shard.expectMessageClass(ClusterSharding.Passivate.class, WAIT);
    // Replayed, it is the same.
    entity.restart();
    assertThat(read().terminal()).isTrue();

    // A receipt after all is better information: it ends the message as delivered.
    entity.runCommand(new RecordReceipt(receipt("prov-w1", DeliveryReceipt.Outcome.DELIVERED)));
    MessageView delivered = read();
    assertThat(delivered.status()).isEqualTo(MessageStatus.DELIVERED);
    assertThat(delivered.terminal()).isTrue();
    assertThat(delivered.error()).isNull();
  }

  @Test
  void closingTheReceiptWindowChangesNothingOnceTheMessageEnded() {
    OutboundMessage message = message();
    sendAs(message, new SendOutcome.Sent("prov-w2"));
    entity.runCommand(new RecordReceipt(receipt("prov-w2", DeliveryReceipt.Outcome.DELIVERED)));

    CommandResultWithReply<Command, Event, MessageState, Lookup> result =
        entity.runCommand(replyTo -> new CloseReceiptWindow(Duration.ofSeconds(3), replyTo));

    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.reply().view().status()).isEqualTo(MessageStatus.DELIVERED);
  }

  @Test
  void aReceiptForOnePartOfSeveralIsJournaledAsAPartAndTheLastAsTheEnd() {
    OutboundMessage message = message();
    sendAs(message, new SendOutcome.Sent("p1", List.of("p1", "p2")));

    CommandResult<Command, Event, MessageState> first =
        entity.runCommand(new RecordReceipt(receipt("p1", DeliveryReceipt.Outcome.DELIVERED)));
    CommandResult<Command, Event, MessageState> last =
        entity.runCommand(new RecordReceipt(receipt("p2", DeliveryReceipt.Outcome.DELIVERED)));

    assertThat(first.eventOfType(PartReceiptRecorded.class).providerMessageId()).isEqualTo("p1");
    assertThat(first.state().status()).isEqualTo(MessageStatus.SENT);
    assertThat(last.eventOfType(ReceiptRecorded.class).providerMessageId()).isEqualTo("p2");
    assertThat(last.state().status()).isEqualTo(MessageStatus.DELIVERED);
  }

  @Test
  void inspectSaysWhetherAnythingIsUnderWay() {
    OutboundMessage message = message();
    accept(message);
    CommandResultWithReply<Command, Event, MessageState, Liveness> idle =
        entity.runCommand(Inspect::new);
    assertThat(idle.reply().busy()).isFalse();
    assertThat(idle.reply().view().status()).isEqualTo(MessageStatus.ACCEPTED);

    CompletableFuture<SendOutcome> answer = provider.thenPending();
    entity.runCommand(new Deliver(message, jobs.ref()));
    CommandResultWithReply<Command, Event, MessageState, Liveness> sending =
        entity.runCommand(Inspect::new);
    assertThat(sending.reply().busy()).isTrue();

    answer.complete(new SendOutcome.TransientFailure("later", "try later", Duration.ofMinutes(1)));
    awaitStatus(MessageStatus.RETRYING);
    // A retry is scheduled: still under way.
    CommandResultWithReply<Command, Event, MessageState, Liveness> retrying =
        entity.runCommand(Inspect::new);
    assertThat(retrying.reply().busy()).isTrue();

    // Recovered from the journal (a crash), nothing is scheduled any more.
    entity.restart();
    CommandResultWithReply<Command, Event, MessageState, Liveness> recovered =
        entity.runCommand(Inspect::new);
    assertThat(recovered.reply().busy()).isFalse();
    assertThat(recovered.reply().view().status()).isEqualTo(MessageStatus.RETRYING);
  }

  @Test
  void acceptOnEmptyPersistsAcceptedAndRepliesCreated() {
    OutboundMessage message = message();

    CommandResultWithReply<Command, Event, MessageState, AcceptReply> result =
        entity.runCommand(replyTo -> new Accept(message, replyTo));

    assertThat(result.events()).hasSize(1);
    Accepted accepted = result.eventOfType(Accepted.class);
    assertThat(accepted.message()).isEqualTo(message);
    assertThat(result.reply().created()).isTrue();
    assertThat(result.reply().view().message()).isEqualTo(message);
    assertThat(result.reply().view().status()).isEqualTo(MessageStatus.ACCEPTED);
    assertThat(result.reply().view().attempts()).isZero();
    assertThat(result.state().status()).isEqualTo(MessageStatus.ACCEPTED);
    assertThat(provider.attempts).isEmpty();
  }

  @Test
  void acceptAgainPersistsNothingAndAnswersWithTheFirstMessage() {
    OutboundMessage first = message();
    accept(first);
    OutboundMessage second =
        new OutboundMessage(
            id, "acct-1", "sandbox", "bob", null, "other", null, 0, Map.of(), Instant.now());

    CommandResultWithReply<Command, Event, MessageState, AcceptReply> result =
        entity.runCommand(replyTo -> new Accept(second, replyTo));

    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.reply().created()).isFalse();
    assertThat(result.reply().view().message()).isEqualTo(first);
    assertThat(journal()).hasSize(1);
  }

  @Test
  void deliverStartsAnAttemptAndAnswersTheJobOnceTheProviderTookIt() {
    OutboundMessage message = message();
    accept(message);
    CompletableFuture<SendOutcome> answer = provider.thenPending();

    CommandResult<Command, Event, MessageState> result =
        entity.runCommand(new Deliver(message, jobs.ref()));

    // The attempt's start is written with its outcome; until then reads show it from memory.
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(read().status()).isEqualTo(MessageStatus.SENDING);
    assertThat(read().attempts()).isEqualTo(1);
    await().atMost(WAIT).until(() -> provider.attempts.size() == 1);
    assertThat(provider.attempts).containsExactly(1);
    assertThat(provider.messages).containsExactly(message);

    answer.complete(new SendOutcome.Sent("prov-1"));

    assertThat(jobs.expectMessageClass(JobDone.class, WAIT))
        .isEqualTo(new JobDone(id, MessageStatus.SENT));
    MessageState state = entity.getState();
    assertThat(state.status()).isEqualTo(MessageStatus.SENT);
    assertThat(state.error()).isNull();
    assertThat(state.history().get(state.history().size() - 1).providerMessageId())
        .isEqualTo("prov-1");
    assertThat(journal())
        .extracting(Object::getClass)
        .containsExactly(Accepted.class, ProviderAccepted.class);
    ProviderAccepted sent = (ProviderAccepted) journal().get(1);
    assertThat(sent.providerMessageId()).isEqualTo("prov-1");
    assertThat(sent.attemptStartedAt()).isNotNull().isBeforeOrEqualTo(sent.at());
    assertThat(statuses(state))
        .containsExactly(MessageStatus.ACCEPTED, MessageStatus.SENDING, MessageStatus.SENT);
  }

  @Test
  void receiptAfterSentRecordsDelivery() {
    OutboundMessage message = message();
    accept(message);
    provider.then(new SendOutcome.Sent("prov-2"));
    entity.runCommand(new Deliver(message, jobs.ref()));
    jobs.expectMessage(WAIT, new JobDone(id, MessageStatus.SENT));

    CommandResult<Command, Event, MessageState> result =
        entity.runCommand(
            new RecordReceipt(
                new DeliveryReceipt(
                    "sandbox",
                    "sandbox",
                    "prov-2",
                    id,
                    DeliveryReceipt.Outcome.DELIVERED,
                    null,
                    Instant.now())));

    assertThat(result.events()).hasSize(1);
    assertThat(result.eventOfType(ReceiptRecorded.class).outcome())
        .isEqualTo(DeliveryReceipt.Outcome.DELIVERED);
    assertThat(result.state().status()).isEqualTo(MessageStatus.DELIVERED);
    assertThat(statuses(result.state()))
        .containsExactly(
            MessageStatus.ACCEPTED,
            MessageStatus.SENDING,
            MessageStatus.SENT,
            MessageStatus.DELIVERED);
    // Finished: it leaves memory at once instead of waiting out the idle timeout.
    shard.expectMessageClass(ClusterSharding.Passivate.class, WAIT);
  }

  @Test
  void aReadReceiptAfterDeliveryMakesTheMessageRead() {
    sendAs(message(), new SendOutcome.Sent("prov-r1"));
    entity.runCommand(new RecordReceipt(receipt("prov-r1", DeliveryReceipt.Outcome.DELIVERED)));

    CommandResult<Command, Event, MessageState> read =
        entity.runCommand(new RecordReceipt(receipt("prov-r1", DeliveryReceipt.Outcome.READ)));

    assertThat(read.eventOfType(ReceiptRecorded.class).outcome())
        .isEqualTo(DeliveryReceipt.Outcome.READ);
    assertThat(statuses(read.state()))
        .containsExactly(
            MessageStatus.ACCEPTED,
            MessageStatus.SENDING,
            MessageStatus.SENT,
            MessageStatus.DELIVERED,
            MessageStatus.READ);
    assertThat(read().terminal()).isTrue();
    // Replayed, it is the same.
    entity.restart();
    assertThat(read().status()).isEqualTo(MessageStatus.READ);
  }

  @Test
  void aReadReceiptBeforeAnyDeliveryReceiptImpliesDeliveredAndReportsBothSteps() {
    sendAs(messageWithCallback(), new SendOutcome.Sent("prov-r2"));

    CommandResult<Command, Event, MessageState> read =
        entity.runCommand(new RecordReceipt(receipt("prov-r2", DeliveryReceipt.Outcome.READ)));

    assertThat(statuses(read.state()))
        .containsExactly(
            MessageStatus.ACCEPTED,
            MessageStatus.SENDING,
            MessageStatus.SENT,
            MessageStatus.DELIVERED,
            MessageStatus.READ);
    await()
        .atMost(WAIT)
        .until(
            () ->
                events
                    .statuses()
                    .containsAll(List.of(MessageStatus.DELIVERED, MessageStatus.READ)));
    MessageView delivered =
        events.views.stream().filter(v -> v.status() == MessageStatus.DELIVERED).findFirst().get();
    assertThat(delivered.history()).hasSize(4);
    assertThat(
            meters
                .counter("switchboard.messages", "channel", "sandbox", "status", "delivered")
                .count())
        .isEqualTo(1);
  }

  @Test
  void aDeliveryReceiptAfterReadChangesNothing() {
    sendAs(message(), new SendOutcome.Sent("prov-r3"));
    entity.runCommand(new RecordReceipt(receipt("prov-r3", DeliveryReceipt.Outcome.READ)));

    CommandResult<Command, Event, MessageState> late =
        entity.runCommand(new RecordReceipt(receipt("prov-r3", DeliveryReceipt.Outcome.DELIVERED)));

    assertThat(late.hasNoEvents()).isTrue();
    assertThat(late.state().status()).isEqualTo(MessageStatus.READ);
  }

  @Test
  void receiptThatOvertakesTheProviderAnswerIsKeptUntilTheSendIsRecorded() {
    OutboundMessage message = message();
    accept(message);
    CompletableFuture<SendOutcome> answer = provider.thenPending();
    entity.runCommand(new Deliver(message, jobs.ref()));

    CommandResult<Command, Event, MessageState> early =
        entity.runCommand(
            new RecordReceipt(
                new DeliveryReceipt(
                    "sandbox",
                    "sandbox",
                    "prov-3",
                    id,
                    DeliveryReceipt.Outcome.DELIVERED,
                    null,
                    Instant.now())));
    assertThat(early.hasNoEvents()).isTrue();
    assertThat(read().status()).isEqualTo(MessageStatus.SENDING);

    answer.complete(new SendOutcome.Sent("prov-3"));

    jobs.expectMessage(WAIT, new JobDone(id, MessageStatus.SENT));
    awaitStatus(MessageStatus.DELIVERED);
    assertThat(journal())
        .extracting(Object::getClass)
        .containsExactly(Accepted.class, ProviderAccepted.class, ReceiptRecorded.class);
  }

  @Test
  void deliverOnADeliveredMessageAnswersAtOnceWithoutSendingAgain() {
    OutboundMessage message = message();
    accept(message);
    provider.then(new SendOutcome.Sent("prov-4"));
    entity.runCommand(new Deliver(message, jobs.ref()));
    jobs.expectMessage(WAIT, new JobDone(id, MessageStatus.SENT));
    entity.runCommand(
        new RecordReceipt(
            new DeliveryReceipt(
                "sandbox",
                "sandbox",
                "prov-4",
                id,
                DeliveryReceipt.Outcome.DELIVERED,
                null,
                Instant.now())));
    TestProbe<JobDone> redelivery = testKit.createTestProbe();

    CommandResult<Command, Event, MessageState> result =
        entity.runCommand(new Deliver(message, redelivery.ref()));

    assertThat(result.hasNoEvents()).isTrue();
    assertThat(redelivery.expectMessageClass(JobDone.class, WAIT))
        .isEqualTo(new JobDone(id, MessageStatus.DELIVERED));
    assertThat(provider.attempts).containsExactly(1);
    assertThat(counter("switchboard.delivery.duplicate.jobs")).isEqualTo(1.0);
  }

  @Test
  void deliverWithoutAcceptanceTakesTheJobOn() {
    OutboundMessage message = message();
    provider.then(new SendOutcome.Sent("prov-5"));

    entity.runCommand(new Deliver(message, jobs.ref()));

    jobs.expectMessage(WAIT, new JobDone(id, MessageStatus.SENT));
    assertThat(entity.getState().message()).isEqualTo(message);
    assertThat(journal())
        .extracting(Object::getClass)
        .containsExactly(Accepted.class, ProviderAccepted.class);
  }

  @Test
  void permanentFailureFailsTheMessageAtOnce() {
    OutboundMessage message = message();
    accept(message);
    provider.then(new SendOutcome.PermanentFailure("invalid_recipient", "no such number"));

    entity.runCommand(new Deliver(message, jobs.ref()));

    assertThat(jobs.expectMessageClass(JobDone.class, WAIT))
        .isEqualTo(new JobDone(id, MessageStatus.FAILED));
    MessageState state = entity.getState();
    assertThat(state.status()).isEqualTo(MessageStatus.FAILED);
    assertThat(state.attempts()).isEqualTo(1);
    assertThat(state.error()).isEqualTo(new MessageError("invalid_recipient", "no such number"));
    assertThat(provider.attempts).containsExactly(1);
    assertThat(journal())
        .extracting(Object::getClass)
        .containsExactly(Accepted.class, Failed.class);
  }

  @Test
  void transientFailuresAreRetriedUntilSent() {
    OutboundMessage message = message();
    accept(message);
    provider
        .then(new SendOutcome.TransientFailure("throttled", "slow down", null))
        .then(new SendOutcome.TransientFailure("upstream_5xx", "bad gateway", null))
        .then(new SendOutcome.Sent("prov-6"));

    entity.runCommand(new Deliver(message, jobs.ref()));

    assertThat(jobs.expectMessageClass(JobDone.class, WAIT))
        .isEqualTo(new JobDone(id, MessageStatus.SENT));
    jobs.expectNoMessage(Duration.ofMillis(100));
    MessageState state = entity.getState();
    assertThat(state.status()).isEqualTo(MessageStatus.SENT);
    assertThat(state.attempts()).isEqualTo(3);
    assertThat(state.error()).isNull();
    assertThat(statuses(state))
        .containsExactly(
            MessageStatus.ACCEPTED,
            MessageStatus.SENDING,
            MessageStatus.RETRYING,
            MessageStatus.SENDING,
            MessageStatus.RETRYING,
            MessageStatus.SENDING,
            MessageStatus.SENT);
    assertThat(state.history())
        .filteredOn(h -> h.status() == MessageStatus.RETRYING)
        .extracting(h -> h.error().code())
        .containsExactly("throttled", "upstream_5xx");
    assertThat(provider.attempts).containsExactly(1, 2, 3);
    assertThat(journal()).filteredOn(RetryScheduled.class::isInstance).hasSize(2);
  }

  @Test
  void providerThatThrowsCountsAsATransientFailure() {
    OutboundMessage message = message();
    accept(message);
    provider.throwNext(new IllegalStateException("boom")).then(new SendOutcome.Sent("prov-8"));

    entity.runCommand(new Deliver(message, jobs.ref()));

    assertThat(jobs.expectMessageClass(JobDone.class, WAIT))
        .isEqualTo(new JobDone(id, MessageStatus.SENT));
    MessageState state = entity.getState();
    assertThat(state.attempts()).isEqualTo(2);
    assertThat(state.history())
        .filteredOn(h -> h.status() == MessageStatus.RETRYING)
        .extracting(h -> h.error().code())
        .containsExactly("provider_error");
    assertThat(state.history())
        .filteredOn(h -> h.status() == MessageStatus.RETRYING)
        .extracting(h -> h.error().message())
        .as("our words, not the exception's")
        .containsExactly("the send ended without the provider's answer");
  }

  @Test
  void aFailedJournalWriteRestartsTheEntityInsteadOfStoppingIt() {
    OutboundMessage message = message();
    accept(message);
    provider.then(new SendOutcome.Sent("prov-9")).then(new SendOutcome.Sent("prov-9b"));
    entity.persistenceTestKit().failNextPersisted();

    entity.runCommand(new Deliver(message, jobs.ref()));
    jobs.expectNoMessage(Duration.ofMillis(300));
    // Restarted after its backoff, recovered from the journal: the redelivered job goes through,
    // and the send whose outcome was not recorded is counted as a possible duplicate.
    entity.runCommand(new Deliver(message, true, jobs.ref()));

    expectSentCountingPossibleDuplicates(1);
    assertThat(provider.attempts).containsExactly(1, 1);
  }

  @Test
  void aRedeliveredJobAfterACrashInTheMiddleOfAnAttemptCountsAPossibleDuplicate() {
    OutboundMessage message = message();
    accept(message);
    provider.thenPending();
    provider.then(new SendOutcome.Sent("prov-10"));
    entity.runCommand(new Deliver(message, jobs.ref()));
    await().atMost(WAIT).until(() -> provider.attempts.size() == 1);

    // The node stops while the provider holds the message: the journal knows only the acceptance.
    entity.restart();
    entity.runCommand(new Deliver(message, true, jobs.ref()));

    expectSentCountingPossibleDuplicates(1);
    assertThat(provider.attempts).containsExactly(1, 1);
  }

  @Test
  void aJournalEndingInAnAttemptStartFromAnEarlierVersionIsRecoveredAsAnUnknownAttempt() {
    OutboundMessage message = message();
    Instant at = Instant.now();
    entity
        .persistenceTestKit()
        .persistForRecovery(
            "Message|" + id, List.of(new Accepted(message, at), new AttemptStarted(1, at)));
    entity.restart();
    provider.then(new SendOutcome.Sent("prov-13"));

    entity.runCommand(new Deliver(message, true, jobs.ref()));

    expectSentCountingPossibleDuplicates(1);
    assertThat(provider.attempts).containsExactly(2);
    assertThat(statuses(entity.getState()))
        .containsExactly(
            MessageStatus.ACCEPTED,
            MessageStatus.SENDING,
            MessageStatus.SENDING,
            MessageStatus.SENT);
  }

  @Test
  void aFirstDeliveryToARecoveredEntityIsNoPossibleDuplicate() {
    OutboundMessage message = message();
    accept(message);
    provider.then(new SendOutcome.Sent("prov-11"));

    // Passivated between acceptance and its job (a backlog): no attempt can have been made.
    entity.restart();
    entity.runCommand(new Deliver(message, jobs.ref()));

    expectSentCountingPossibleDuplicates(0);
  }

  @Test
  void aRedeliveredJobWhileItsAttemptRunsJoinsItWithoutASecondSend() {
    OutboundMessage message = message();
    accept(message);
    CompletableFuture<SendOutcome> answer = provider.thenPending();
    entity.runCommand(new Deliver(message, jobs.ref()));
    await().atMost(WAIT).until(() -> provider.attempts.size() == 1);
    TestProbe<JobDone> redelivery = testKit.createTestProbe();

    // The consumer's connection dropped: the broker hands the same job out again.
    entity.runCommand(new Deliver(message, true, redelivery.ref()));
    answer.complete(new SendOutcome.Sent("prov-12"));

    assertThat(redelivery.expectMessageClass(JobDone.class, WAIT))
        .isEqualTo(new JobDone(id, MessageStatus.SENT));
    assertThat(jobs.expectMessageClass(JobDone.class, WAIT))
        .isEqualTo(new JobDone(id, MessageStatus.SENT));
    assertThat(provider.attempts).containsExactly(1);
    assertThat(counter("switchboard.delivery.possible.duplicate.sends")).isZero();
  }

  @Test
  void transientFailuresUpToMaxAttemptsFailTheMessage() {
    OutboundMessage message = message();
    accept(message);
    for (int i = 0; i < 3; i++) {
      provider.then(new SendOutcome.TransientFailure("upstream_5xx", "bad gateway " + i, null));
    }

    entity.runCommand(new Deliver(message, jobs.ref()));

    assertThat(jobs.expectMessageClass(JobDone.class, WAIT))
        .isEqualTo(new JobDone(id, MessageStatus.FAILED));
    MessageState state = entity.getState();
    assertThat(state.status()).isEqualTo(MessageStatus.FAILED);
    assertThat(state.attempts()).isEqualTo(3);
    assertThat(state.error().code()).isEqualTo("upstream_5xx");
    assertThat(state.error().message()).contains("gave up after 3 attempts");
    assertThat(provider.attempts).containsExactly(1, 2, 3);
    assertThat(statuses(state)).filteredOn(s -> s == MessageStatus.RETRYING).hasSize(2);
  }

  @Test
  void providerThatNeverAnswersCountsAsATransientFailure() {
    entity =
        entityWith(
            new DeliverySettings(
                2,
                Duration.ofMillis(10),
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                Duration.ofSeconds(30)));
    OutboundMessage message = message();
    accept(message);
    provider.thenPending();
    provider.thenPending();

    entity.runCommand(new Deliver(message, jobs.ref()));

    assertThat(jobs.expectMessageClass(JobDone.class, WAIT))
        .isEqualTo(new JobDone(id, MessageStatus.FAILED));
    MessageState state = entity.getState();
    assertThat(state.error().code()).isEqualTo("provider_timeout");
    assertThat(state.error().message()).contains("gave up after 2 attempts");
    assertThat(provider.attempts).containsExactly(1, 2);
  }

  @Test
  void expiredMessageIsNotSent() {
    OutboundMessage message = message(Instant.now().minus(Duration.ofHours(1)), 1);
    accept(message);

    CommandResult<Command, Event, MessageState> result =
        entity.runCommand(new Deliver(message, jobs.ref()));

    assertThat(result.events()).hasSize(1);
    assertThat(result.event()).isInstanceOf(Expired.class);
    assertThat(result.state().status()).isEqualTo(MessageStatus.EXPIRED);
    assertThat(jobs.expectMessageClass(JobDone.class, WAIT))
        .isEqualTo(new JobDone(id, MessageStatus.EXPIRED));
    assertThat(provider.attempts).isEmpty();
  }

  @Test
  void getOnAnUnknownIdAnswersNullAndPassivates() {
    CommandResultWithReply<Command, Event, MessageState, Lookup> result =
        entity.runCommand(Get::new);

    assertThat(result.reply()).isEqualTo(new Lookup(null));
    assertThat(result.hasNoEvents()).isTrue();
    shard.expectMessageClass(ClusterSharding.Passivate.class, WAIT);
  }

  @Test
  void getAfterAcceptAnswersTheView() {
    OutboundMessage message = message();
    AcceptReply accepted = accept(message);

    CommandResultWithReply<Command, Event, MessageState, Lookup> result =
        entity.runCommand(Get::new);

    assertThat(result.reply().view()).isEqualTo(accepted.view());
    assertThat(result.reply().view().message()).isEqualTo(message);
    assertThat(result.reply().view().status()).isEqualTo(MessageStatus.ACCEPTED);
    shard.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void stateSurvivesARestart() {
    OutboundMessage message = message();
    accept(message);
    provider.then(new SendOutcome.Sent("prov-7"));
    entity.runCommand(new Deliver(message, jobs.ref()));
    jobs.expectMessage(WAIT, new JobDone(id, MessageStatus.SENT));
    MessageState before = entity.getState();

    MessageState after = entity.restart().state();

    assertThat(after).isEqualTo(before);
  }

  @Test
  void acceptWithACallbackUrlIsAnsweredOnlyOnceItsEventIsQueued() {
    OutboundMessage message = messageWithCallback();
    CompletableFuture<Void> queued = events.thenPending();
    TestProbe<AcceptReply> client = testKit.createTestProbe();

    entity.runCommand(new Accept(message, client.ref()));

    await().atMost(WAIT).until(() -> events.statuses().equals(List.of(MessageStatus.ACCEPTED)));
    assertThat(journal()).hasSize(1);
    client.expectNoMessage(Duration.ofMillis(300));
    queued.complete(null);
    AcceptReply reply = client.expectMessageClass(AcceptReply.class, WAIT);
    assertThat(reply.created()).isTrue();
    assertThat(reply.view().status()).isEqualTo(MessageStatus.ACCEPTED);
  }

  @Test
  void acceptWhoseEventIsNotQueuedIsNotAnsweredAndItsRepeatQueuesItAgain() {
    OutboundMessage message = messageWithCallback();
    events.thenFailing();
    TestProbe<AcceptReply> client = testKit.createTestProbe();

    entity.runCommand(new Accept(message, client.ref()));

    client.expectNoMessage(Duration.ofMillis(300));
    assertThat(journal()).hasSize(1);
    // The client, told to retry, submits the same message again: its event is queued this time.
    AcceptReply repeat = accept(message);
    assertThat(repeat.created()).isFalse();
    assertThat(events.statuses()).containsExactly(MessageStatus.ACCEPTED, MessageStatus.ACCEPTED);
    assertThat(events.views).allMatch(v -> v.history().size() == 1);
  }

  @Test
  void aRetryIsScheduledOnlyOnceItsRetryingEventIsQueued() {
    OutboundMessage message = messageWithCallback();
    accept(message);
    provider
        .then(new SendOutcome.TransientFailure("upstream_5xx", "bad gateway", null))
        .then(new SendOutcome.Sent("prov-11"));
    CompletableFuture<Void> retrying = events.thenPending();

    entity.runCommand(new Deliver(message, jobs.ref()));

    await().atMost(WAIT).until(() -> events.statuses().contains(MessageStatus.RETRYING));
    // The backoff (at most 50 ms) is long over; the second attempt waits for the event.
    jobs.expectNoMessage(Duration.ofMillis(300));
    assertThat(provider.attempts).containsExactly(1);
    retrying.complete(null);
    assertThat(jobs.expectMessageClass(JobDone.class, WAIT))
        .isEqualTo(new JobDone(id, MessageStatus.SENT));
    assertThat(provider.attempts).containsExactly(1, 2);
    assertThat(events.statuses())
        .containsExactly(MessageStatus.ACCEPTED, MessageStatus.RETRYING, MessageStatus.SENT);
  }

  @Test
  void aRetryingEventThatFailedToQueueIsQueuedAgainBeforeTheRetry() {
    OutboundMessage message = messageWithCallback();
    accept(message);
    provider
        .then(new SendOutcome.TransientFailure("upstream_5xx", "bad gateway", null))
        .then(new SendOutcome.Sent("prov-12"));
    events.thenFailing();

    entity.runCommand(new Deliver(message, jobs.ref()));

    assertThat(jobs.expectMessageClass(JobDone.class, WAIT))
        .isEqualTo(new JobDone(id, MessageStatus.SENT));
    assertThat(events.statuses())
        .containsExactly(
            MessageStatus.ACCEPTED,
            MessageStatus.RETRYING,
            MessageStatus.RETRYING,
            MessageStatus.SENT);
    assertThat(events.attemptsSeen).containsExactly(0, 1, 1, 2);
  }

  @Test
  void aRetryingEventLostInACrashIsQueuedBeforeTheNextAttempt() {
    OutboundMessage message = messageWithCallback();
    accept(message);
    provider.then(new SendOutcome.TransientFailure("upstream_5xx", "bad gateway", null));
    // The node stops after writing the retry, before its event reached the outbox.
    events.thenPending();
    entity.runCommand(new Deliver(message, jobs.ref()));
    await().atMost(WAIT).until(() -> events.statuses().contains(MessageStatus.RETRYING));

    entity.restart();
    provider.then(new SendOutcome.Sent("prov-13"));
    entity.runCommand(new Deliver(message, true, jobs.ref()));

    assertThat(jobs.expectMessageClass(JobDone.class, WAIT))
        .isEqualTo(new JobDone(id, MessageStatus.SENT));
    assertThat(events.statuses())
        .containsExactly(
            MessageStatus.ACCEPTED,
            MessageStatus.RETRYING,
            MessageStatus.RETRYING,
            MessageStatus.SENT);
    // The second retrying event was queued before the second attempt began.
    assertThat(events.attemptsSeen).containsExactly(0, 1, 1, 2);
    assertThat(events.views.get(2).history()).isEqualTo(events.views.get(1).history());
  }

  @Test
  void aSentEventLostInACrashIsQueuedAgainBeforeTheRedeliveredJobIsAnswered() {
    OutboundMessage message = messageWithCallback();
    accept(message);
    provider.then(new SendOutcome.Sent("prov-14"));
    CompletableFuture<Void> sent = events.thenPending();
    entity.runCommand(new Deliver(message, jobs.ref()));
    await().atMost(WAIT).until(() -> events.statuses().contains(MessageStatus.SENT));

    entity.restart();
    CompletableFuture<Void> again = events.thenPending();
    entity.runCommand(new Deliver(message, true, jobs.ref()));

    await()
        .atMost(WAIT)
        .until(
            () ->
                events
                    .statuses()
                    .equals(
                        List.of(MessageStatus.ACCEPTED, MessageStatus.SENT, MessageStatus.SENT)));
    jobs.expectNoMessage(Duration.ofMillis(200));
    again.complete(null);
    assertThat(jobs.expectMessageClass(JobDone.class, WAIT))
        .isEqualTo(new JobDone(id, MessageStatus.SENT));
    assertThat(provider.attempts).containsExactly(1);
    sent.cancel(false);
  }

  /**
   * Records each status event handed to it; each is queued at once unless the test scripted the
   * next one to stay pending or fail.
   */
  private final class ScriptedEvents implements CustomerEvents {
    final List<MessageView> views = new CopyOnWriteArrayList<>();
    // How many attempts the provider had been asked for when each event was handed over.
    final List<Integer> attemptsSeen = new CopyOnWriteArrayList<>();
    final Queue<CompletableFuture<Void>> script = new ConcurrentLinkedQueue<>();

    CompletableFuture<Void> thenPending() {
      CompletableFuture<Void> pending = new CompletableFuture<>();
      script.add(pending);
      return pending;
    }

    void thenFailing() {
      script.add(CompletableFuture.failedFuture(new IllegalStateException("outbox down")));
    }

    List<MessageStatus> statuses() {
      return views.stream().map(MessageView::status).toList();
    }

    @Override
    public CompletionStage<Void> statusChanged(MessageView message) {
      if (message.message().callbackUrl() == null) {
        return CompletableFuture.completedFuture(null);
      }
      attemptsSeen.add(provider.attempts.size());
      views.add(message);
      CompletableFuture<Void> next = script.poll();
      return next != null ? next : CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> inbound(InboundMessage message) {
      return CompletableFuture.completedFuture(null);
    }
  }

  /** Answers each attempt with the next scripted outcome and records what it was asked. */
  private static final class ScriptedProvider implements ChannelProvider {
    final Queue<CompletableFuture<SendOutcome>> script = new ConcurrentLinkedQueue<>();
    final List<Integer> attempts = new CopyOnWriteArrayList<>();
    final List<OutboundMessage> messages = new CopyOnWriteArrayList<>();

    ScriptedProvider then(SendOutcome outcome) {
      script.add(CompletableFuture.completedFuture(outcome));
      return this;
    }

    final Queue<RuntimeException> throwing = new ConcurrentLinkedQueue<>();

    /** The next attempt throws instead of answering, as a broken provider might. */
    ScriptedProvider throwNext(RuntimeException e) {
      throwing.add(e);
      return this;
    }

    CompletableFuture<SendOutcome> thenPending() {
      CompletableFuture<SendOutcome> pending = new CompletableFuture<>();
      script.add(pending);
      return pending;
    }

    @Override
    public CompletionStage<SendOutcome> send(OutboundMessage message, int attempt) {
      attempts.add(attempt);
      messages.add(message);
      RuntimeException failure = throwing.poll();
      if (failure != null) {
        throw failure;
      }
      CompletableFuture<SendOutcome> next = script.poll();
      return next != null
          ? next
          : CompletableFuture.failedFuture(new AssertionError("unscripted attempt " + attempt));
    }
  }
}
