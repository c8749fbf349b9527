package dev.switchboard.engine.delivery;

import dev.switchboard.engine.CborSerializable;
import dev.switchboard.engine.message.MessageStatus;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.provider.ChannelProvider;
import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.ProviderRegistry;
import dev.switchboard.engine.provider.SendOutcome;
import dev.switchboard.engine.webhook.CustomerEvents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One message's life, event sourced and sharded by message id. The API {@link Accept}s it (durable
 * before the broker job is published, so it is readable from the moment of {@code 202}); the
 * channel's consumer hands it the broker job ({@link Deliver}) and is answered once the message has
 * left our hands (sent, failed or expired), so the job is acked only then and a crash at any point
 * means a redelivery, which this entity recognises by its state.
 */
public final class MessageEntity
    extends EventSourcedBehavior<MessageEntity.Command, MessageEntity.Event, MessageState> {

  public static final EntityTypeKey<Command> TYPE_KEY =
      EntityTypeKey.create(Command.class, "Message");

  /** What a message entity accepts. */
  public sealed interface Command extends CborSerializable {}

  /** Record a new message; answered once it is durable, or with what was there already. */
  public record Accept(OutboundMessage message, ActorRef<AcceptReply> replyTo) implements Command {}

  /**
   * The broker job of a message: answered once the message has left our hands. {@code redelivered}
   * is the broker's flag: the job was handed out before and not acked.
   */
  public record Deliver(OutboundMessage message, boolean redelivered, ActorRef<JobDone> replyTo)
      implements Command {
    /** A job's first delivery. */
    public Deliver(OutboundMessage message, ActorRef<JobDone> replyTo) {
      this(message, false, replyTo);
    }
  }

  public record Get(ActorRef<Lookup> replyTo) implements Command {}

  /**
   * The message and whether anything is under way for it in this incarnation (an attempt, a
   * scheduled retry, a job held by a consumer): the reconciler's question before it republishes.
   */
  public record Inspect(ActorRef<Liveness> replyTo) implements Command {}

  /**
   * A {@code sent} message whose receipt did not come within {@code window}: it becomes terminal
   * (still {@code sent}, error {@code no_receipt}). Answered with the message as it is then.
   */
  public record CloseReceiptWindow(Duration window, ActorRef<Lookup> replyTo) implements Command {}

  /**
   * A provider's receipt for this message; {@code replyTo} (may be null) is answered once it is
   * recorded, or known to change nothing, so its broker message may then be acked.
   */
  public record RecordReceipt(DeliveryReceipt receipt, ActorRef<Done> replyTo) implements Command {
    public RecordReceipt(DeliveryReceipt receipt) {
      this(receipt, null);
    }
  }

  private record AttemptFinished(int attempt, SendOutcome outcome) implements Command {}

  private enum RetryDue implements Command {
    INSTANCE
  }

  // The retrying status event's enqueue finished; the retry is due delay after it.
  private record RetryEventQueued(Duration delay, Throwable error) implements Command {}

  private enum IdleCheck implements Command {
    INSTANCE
  }

  /** The message as it is now; {@code created} is false when it had been accepted before. */
  public record AcceptReply(MessageView view, boolean created) implements CborSerializable {}

  /**
   * The job is done: the message is sent, or terminal; or, when {@code handedBack}, no provider
   * could take it now and the job goes back to the broker untouched.
   */
  public record JobDone(String messageId, MessageStatus status, boolean handedBack)
      implements CborSerializable {
    public JobDone(String messageId, MessageStatus status) {
      this(messageId, status, false);
    }
  }

  /** The message, or null when this id names none. */
  public record Lookup(MessageView view) implements CborSerializable {}

  /**
   * The answer to {@link Inspect}; {@code view} is null when this id names no message.
   *
   * @param busy an attempt runs, a retry is scheduled, or a consumer holds its job
   */
  public record Liveness(MessageView view, boolean busy) implements CborSerializable {}

  /** What happened to a message; the journal's content. */
  public sealed interface Event extends CborSerializable {}

  public record Accepted(OutboundMessage message, Instant at) implements Event {}

  /**
   * Written by journals before an attempt's start was recorded with its outcome; only replayed.
   * Such a journal may end in {@code sending}: an attempt whose outcome is unknown.
   */
  public record AttemptStarted(int attempt, Instant at) implements Event {}

  // An outcome's attemptStartedAt is when its attempt began (the history's "sending" step). It is
  // null only in journals where an AttemptStarted came before it.

  /** {@code partIds}: every id the provider gave (one per SMS segment); null in older journals. */
  public record ProviderAccepted(
      String providerMessageId, Instant at, Instant attemptStartedAt, List<String> partIds)
      implements Event {
    public ProviderAccepted(String providerMessageId, Instant at, Instant attemptStartedAt) {
      this(providerMessageId, at, attemptStartedAt, null);
    }
  }

  public record RetryScheduled(MessageError error, Instant at, Instant attemptStartedAt)
      implements Event {}

  public record Failed(MessageError error, Instant at, Instant attemptStartedAt) implements Event {}

  public record Expired(Instant at) implements Event {}

  /** {@code providerMessageId}: the part the receipt is for; null in older journals. */
  public record ReceiptRecorded(
      DeliveryReceipt.Outcome outcome, String errorCode, Instant at, String providerMessageId)
      implements Event {
    public ReceiptRecorded(DeliveryReceipt.Outcome outcome, String errorCode, Instant at) {
      this(outcome, errorCode, at, null);
    }
  }

  /**
   * A receipt for one part of a longer message that leaves others to come: a journal ending here is
   * still waiting for receipts (a {@link ReceiptRecorded} ends it), which the reconciler reads.
   */
  public record PartReceiptRecorded(Instant at, String providerMessageId) implements Event {}

  /** No receipt came within {@code window} of the send: the message is terminal as {@code sent}. */
  public record ReceiptWindowClosed(Instant at, Duration window) implements Event {}

  /** What every entity of a node shares. */
  public record Dependencies(
      ProviderRegistry providers,
      DeliverySettings settings,
      DeliveryMetrics metrics,
      CustomerEvents events,
      Clock clock) {
    public Dependencies(
        ProviderRegistry providers,
        DeliverySettings settings,
        DeliveryMetrics metrics,
        Clock clock) {
      this(providers, settings, metrics, CustomerEvents.NONE, clock);
    }
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final Dependencies deps;
  private static final Logger LOG = LoggerFactory.getLogger(MessageEntity.class);

  private final String messageId;
  // In memory only: the consumers waiting for this message to leave our hands; when the attempt
  // running in this incarnation began (null while none: after a crash none is); and whether this
  // incarnation has seen every attempt, so a redelivered job cannot hide an unknown one.
  private final List<ActorRef<JobDone>> waiting = new ArrayList<>();
  private Instant attemptStartedAt;
  private boolean knowsEveryAttempt;
  // Whether this incarnation queued the retrying status event of a message with a callback URL
  // (after a crash it may be missing: it is queued again before the next attempt), and whether
  // that enqueue is running now (the retry waits for it).
  private boolean retryEventQueued;
  private boolean queuingRetryEvent;

  public static Behavior<Command> create(EntityContext<Command> entity, Dependencies deps) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startSingleTimer(IdleCheck.INSTANCE, deps.settings().idleTimeout());
                  return new MessageEntity(
                      ctx, timers, entity.getShard(), entity.getEntityId(), deps);
                }));
  }

  private MessageEntity(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      String messageId,
      Dependencies deps) {
    // A journal write that fails restarts the entity (with backoff) rather than stopping it.
    super(
        PersistenceId.of(TYPE_KEY.name(), messageId),
        SupervisorStrategy.restartWithBackoff(
            deps.settings().journalFailureMinBackoff(),
            deps.settings().journalFailureMaxBackoff(),
            0.2));
    this.context = context;
    this.timers = timers;
    this.shard = shard;
    this.messageId = messageId;
    this.deps = deps;
  }

  @Override
  public MessageState emptyState() {
    return MessageState.EMPTY;
  }

  @Override
  public CommandHandler<Command, Event, MessageState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Accept.class, this::onAccept)
        .onCommand(Deliver.class, this::onDeliver)
        .onCommand(Get.class, this::onGet)
        .onCommand(Inspect.class, this::onInspect)
        .onCommand(CloseReceiptWindow.class, this::onCloseReceiptWindow)
        .onCommand(RecordReceipt.class, this::onReceipt)
        .onCommand(AttemptFinished.class, this::onAttemptFinished)
        .onCommand(RetryDue.class, (state, due) -> onRetryDue(state))
        .onCommand(RetryEventQueued.class, this::onRetryEventQueued)
        .onCommand(IdleCheck.class, (state, check) -> onIdleCheck(state))
        .build();
  }

  // With a callback URL, the 202 waits until the accepted event is in the outbox: a crash after
  // the journal write then loses no event the client was promised (no reply, the client retries,
  // and the repeat queues it again). Without one, nothing is queued and nothing waits.
  private Effect<Event, MessageState> onAccept(MessageState state, Accept accept) {
    if (!state.isEmpty()) {
      if (state.status() == MessageStatus.ACCEPTED && state.message().callbackUrl() != null) {
        return Effect().none().thenRun(s -> replyOnceQueued(s, accept.replyTo(), false));
      }
      return Effect().reply(accept.replyTo(), new AcceptReply(view(state), false));
    }
    if (accept.message().callbackUrl() == null) {
      return Effect()
          .persist(new Accepted(accept.message(), now()))
          .thenRun(this::accepted)
          .thenReply(accept.replyTo(), s -> new AcceptReply(s.view(), true));
    }
    return Effect()
        .persist(new Accepted(accept.message(), now()))
        .thenRun(this::accepted)
        .thenRun(s -> replyOnceQueued(s, accept.replyTo(), true));
  }

  private void accepted(MessageState state) {
    knowsEveryAttempt = true;
    deps.metrics().reached(state.message().channel(), MessageStatus.ACCEPTED);
  }

  // The reply only tells the asker: no actor state is touched from the stage's thread.
  private void replyOnceQueued(MessageState state, ActorRef<AcceptReply> replyTo, boolean created) {
    MessageView view = state.view();
    deps.events()
        .statusChanged(view)
        .whenComplete(
            (ok, error) -> {
              if (error == null) {
                replyTo.tell(new AcceptReply(view, created));
              }
              // Otherwise no reply: the gateway's ask times out and the client is told to retry.
            });
  }

  private Effect<Event, MessageState> onDeliver(MessageState state, Deliver deliver) {
    if (state.isEmpty()) {
      // A job whose acceptance is not in the journal (published by another writer): take it on.
      // Its acceptance is recorded before any attempt, so no attempt can have been made before.
      waiting.add(deliver.replyTo());
      Accepted accepted = new Accepted(deliver.message(), now());
      if (deliver.message().expiredAt(accepted.at())) {
        return Effect()
            .persist(List.of(accepted, new Expired(accepted.at())))
            .thenRun(this::settled);
      }
      knowsEveryAttempt = true;
      return Effect().persist(accepted).thenRun(this::beginAttempt);
    }
    switch (state.status()) {
      case ACCEPTED:
      case SENDING:
      case RETRYING:
        waiting.add(deliver.replyTo());
        if (attemptStartedAt != null || retryPending()) {
          return Effect().none();
        }
        if (state.status() == MessageStatus.SENDING
            || deliver.redelivered() && !knowsEveryAttempt) {
          // An earlier incarnation may have stopped in the middle of an attempt whose outcome is
          // unknown: sending again may duplicate it.
          deps.metrics().possibleDuplicateSend(state.message().channel());
        }
        return startAttempt(state);
      default:
        deps.metrics().duplicateJob(state.message().channel());
        JobDone done = new JobDone(messageId, state.status());
        if (state.message().callbackUrl() == null) {
          return Effect().reply(deliver.replyTo(), done);
        }
        // A crash between the journal write and the enqueue lost the status event: queue it again
        // (the same id, so at most once) before this job is acked.
        return Effect()
            .none()
            .thenRun(
                s ->
                    deps.events()
                        .statusChanged(s.view())
                        .whenComplete((ok, error) -> deliver.replyTo().tell(done)));
    }
  }

  private boolean retryPending() {
    return queuingRetryEvent || timers.isTimerActive(RetryDue.INSTANCE);
  }

  // The start of an attempt is not written on its own: it is recorded with the attempt's outcome,
  // which saves a journal write per attempt. Until then it is known in memory (and shown by reads).
  private Effect<Event, MessageState> startAttempt(MessageState state) {
    Instant now = now();
    if (state.message().expiredAt(now)) {
      return Effect().persist(new Expired(now)).thenRun(this::settled);
    }
    if (state.status() == MessageStatus.RETRYING
        && state.message().callbackUrl() != null
        && !retryEventQueued) {
      // Recovered after a crash (or the enqueue failed): its retrying event may be missing.
      return Effect().none().thenRun(s -> queueRetryEvent(s, Duration.ZERO));
    }
    return Effect().none().thenRun(this::beginAttempt);
  }

  private void beginAttempt(MessageState state) {
    attemptStartedAt = now();
    knowsEveryAttempt = true;
    send(state.message(), state.attempts() + 1);
  }

  private void send(OutboundMessage message, int attempt) {
    context.pipeToSelf(
        attempt(message, attempt)
            .orTimeout(deps.settings().providerTimeout().toMillis(), TimeUnit.MILLISECONDS),
        (outcome, error) ->
            new AttemptFinished(attempt, error == null ? outcome : unknownOutcome(error)));
  }

  // A provider that throws instead of failing its stage must not stop the entity.
  private CompletableFuture<SendOutcome> attempt(OutboundMessage message, int attempt) {
    Optional<ChannelProvider> provider = deps.providers().find(message.channel());
    if (provider.isEmpty()) {
      // A job for a channel this node does not serve can never succeed here.
      return CompletableFuture.completedFuture(
          new SendOutcome.PermanentFailure(
              "channel_not_served",
              "no provider for channel " + message.channel() + " on this node"));
    }
    try {
      return provider.get().send(message, attempt).toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  // Runs on the completing thread, not the actor's: only final fields and the static logger.
  private SendOutcome unknownOutcome(Throwable error) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    if (cause instanceof TimeoutException) {
      return new SendOutcome.TransientFailure(
          "provider_timeout", "the provider did not answer in time", null);
    }
    // The cause's own text is a library's: logged, never shown in the message.
    LOG.warn(
        "send failed before the provider answered: messageId={} cause={}",
        messageId,
        cause.toString());
    return new SendOutcome.TransientFailure(
        "provider_error", "the send ended without the provider's answer", null);
  }

  private Effect<Event, MessageState> onAttemptFinished(MessageState state, AttemptFinished done) {
    if (attemptStartedAt == null || done.attempt() != state.attempts() + 1) {
      return Effect().none();
    }
    Instant started = attemptStartedAt;
    attemptStartedAt = null;
    if (done.outcome() instanceof SendOutcome.NotAttempted notAttempted) {
      // Nothing reached a provider: nothing to record; the job waits in the broker meanwhile.
      handBack(state, notAttempted.reason());
      return Effect().none();
    }
    if (done.outcome() instanceof SendOutcome.Throttled throttled) {
      // Runtimes resend throttled messages themselves; one that leaks here is retried as transient.
      done =
          new AttemptFinished(
              done.attempt(),
              new SendOutcome.TransientFailure(
                  throttled.code(), "throttled by the provider", null));
    }
    // Until the outcome is written, the send is known only here; a failed write restarts this
    // behaviour (same instance), and the redelivered job then repeats a send the journal lacks.
    knowsEveryAttempt = false;
    Instant now = now();
    if (done.outcome() instanceof SendOutcome.Sent sent) {
      return Effect()
          .persist(new ProviderAccepted(sent.providerMessageId(), now, started, sent.partIds()))
          .thenRun(this::settled)
          .thenUnstashAll();
    }
    if (done.outcome() instanceof SendOutcome.PermanentFailure failure) {
      return Effect()
          .persist(new Failed(new MessageError(failure.code(), failure.reason()), now, started))
          .thenRun(this::settled)
          .thenUnstashAll();
    }
    SendOutcome.TransientFailure failure = (SendOutcome.TransientFailure) done.outcome();
    if (done.attempt() >= deps.settings().maxAttempts()) {
      MessageError error =
          new MessageError(
              failure.code(), "gave up after " + done.attempt() + " attempts: " + failure.reason());
      return Effect()
          .persist(new Failed(error, now, started))
          .thenRun(this::settled)
          .thenUnstashAll();
    }
    Duration delay =
        failure.retryAfter() != null
            ? failure.retryAfter()
            : deps.settings()
                .backoffAfter(done.attempt(), ThreadLocalRandom.current().nextDouble());
    return Effect()
        .persist(
            new RetryScheduled(new MessageError(failure.code(), failure.reason()), now, started))
        .thenRun(
            s -> {
              retryEventQueued = false;
              if (s.message().callbackUrl() == null) {
                timers.startSingleTimer(RetryDue.INSTANCE, delay);
              } else {
                queueRetryEvent(s, delay);
              }
            });
  }

  // The retry is scheduled only once the retrying event is in the outbox, so the attempt that
  // may settle the message (and ack its job) never runs ahead of it.
  private void queueRetryEvent(MessageState state, Duration delay) {
    queuingRetryEvent = true;
    context.pipeToSelf(
        deps.events().statusChanged(state.view()),
        (ok, error) -> new RetryEventQueued(delay, error));
  }

  private Effect<Event, MessageState> onRetryEventQueued(
      MessageState state, RetryEventQueued queued) {
    queuingRetryEvent = false;
    if (queued.error() != null) {
      // The retry is then due no sooner than a journal failure's backoff; it queues the event
      // again first.
      context
          .getLog()
          .warn(
              "retrying event not queued, trying again before the retry: messageId={} cause={}",
              messageId,
              queued.error().toString());
      Duration min = deps.settings().journalFailureMinBackoff();
      timers.startSingleTimer(
          RetryDue.INSTANCE, queued.delay().compareTo(min) > 0 ? queued.delay() : min);
      return Effect().none();
    }
    retryEventQueued = true;
    if (state.status() == MessageStatus.RETRYING) {
      timers.startSingleTimer(RetryDue.INSTANCE, queued.delay());
    }
    return Effect().none();
  }

  private Effect<Event, MessageState> onRetryDue(MessageState state) {
    if (state.status() != MessageStatus.RETRYING) {
      return Effect().none();
    }
    return startAttempt(state);
  }

  private Effect<Event, MessageState> onReceipt(MessageState state, RecordReceipt record) {
    if (attemptStartedAt != null) {
      // The receipt overtook the provider's answer to our send: keep it until that is recorded.
      return Effect().stash();
    }
    // A receipt may also end a message whose retry is scheduled: an earlier attempt got through.
    // A delivered message may still be read.
    boolean readAfterDelivery =
        record.receipt().outcome() == DeliveryReceipt.Outcome.READ
            && state.status() == MessageStatus.DELIVERED;
    if (state.status() != MessageStatus.SENT
        && state.status() != MessageStatus.RETRYING
        && !readAfterDelivery) {
      context
          .getLog()
          .info(
              "receipt ignored: messageId={} status={} outcome={}",
              messageId,
              state.isEmpty() ? "unknown" : state.status().wireName(),
              record.receipt().outcome());
      if (state.isEmpty()) {
        shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
      }
      return Effect().none().thenRun(s -> recorded(record));
    }
    DeliveryReceipt receipt = record.receipt();
    ReceiptRecorded recorded =
        new ReceiptRecorded(
            receipt.outcome(), receipt.errorCode(), receipt.at(), receipt.providerMessageId());
    // A part that leaves others to come is journaled as such: the reconciler tells the two apart
    // by the event's name alone.
    Event event =
        applyReceipt(state, recorded).status().isTerminal()
            ? recorded
            : new PartReceiptRecorded(receipt.at(), receipt.providerMessageId());
    return Effect()
        .persist(event)
        .thenRun(
            s -> {
              if (s.status().isTerminal()) {
                timers.cancel(RetryDue.INSTANCE);
                CompletableFuture<Void> implied = impliedDelivery(state, s, receipt.at());
                CompletableFuture<Void> ended = settled(s).toCompletableFuture();
                CompletableFuture.allOf(implied, ended)
                    .whenComplete((ok, error) -> recorded(record));
              } else {
                // One part of a longer message: the rest are still to come.
                recorded(record);
              }
            });
  }

  // A read receipt that came before any delivery receipt: the delivered step it implies is
  // counted and reported to the customer as well, so a receiver waiting for "delivered" hears it.
  private CompletableFuture<Void> impliedDelivery(
      MessageState before, MessageState after, Instant at) {
    if (after.status() != MessageStatus.READ || before.status() == MessageStatus.DELIVERED) {
      return CompletableFuture.completedFuture(null);
    }
    MessageState delivered = before.moved(MessageStatus.DELIVERED, null, at);
    deps.metrics().reached(delivered.message().channel(), MessageStatus.DELIVERED);
    return deps.events().statusChanged(delivered.view()).toCompletableFuture();
  }

  private static void recorded(RecordReceipt record) {
    if (record.replyTo() != null) {
      record.replyTo().tell(Done.getInstance());
    }
  }

  private Effect<Event, MessageState> onGet(MessageState state, Get get) {
    if (state.isEmpty()) {
      // Nothing by that id: do not keep an empty entity in memory.
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
      return Effect().reply(get.replyTo(), new Lookup(null));
    }
    return Effect().reply(get.replyTo(), new Lookup(view(state)));
  }

  private Effect<Event, MessageState> onInspect(MessageState state, Inspect inspect) {
    if (state.isEmpty()) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
      return Effect().reply(inspect.replyTo(), new Liveness(null, false));
    }
    boolean busy = attemptStartedAt != null || retryPending() || !waiting.isEmpty();
    return Effect().reply(inspect.replyTo(), new Liveness(view(state), busy));
  }

  // Only a sent message with nothing running closes its window; anything else is answered as it is.
  private Effect<Event, MessageState> onCloseReceiptWindow(
      MessageState state, CloseReceiptWindow close) {
    if (state.isEmpty()
        || state.status() != MessageStatus.SENT
        || state.isTerminal()
        || attemptStartedAt != null) {
      return Effect().reply(close.replyTo(), new Lookup(state.isEmpty() ? null : view(state)));
    }
    return Effect()
        .persist(new ReceiptWindowClosed(now(), close.window()))
        .thenRun(this::receiptWindowClosed)
        .thenReply(close.replyTo(), s -> new Lookup(s.view()));
  }

  // Terminal now: it leaves memory, and the customer hears of it (a receipt may still come).
  private void receiptWindowClosed(MessageState state) {
    context
        .getLog()
        .debug(
            "receipt window closed: messageId={} channel={}", messageId, state.message().channel());
    shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    deps.events().statusChanged(state.view());
  }

  // What reads show: the journal's state, and the attempt running now, if one is.
  private MessageView view(MessageState state) {
    return started(state, attemptStartedAt).view();
  }

  // The message has left our hands (sent) or ended: its status event is queued for the customer,
  // and once it is, the consumers waiting on its job are answered so the job is acked.
  private CompletionStage<Void> settled(MessageState state) {
    deps.metrics().reached(state.message().channel(), state.status());
    passivateIfTerminal(state);
    JobDone done = new JobDone(messageId, state.status());
    List<ActorRef<JobDone>> answer = List.copyOf(waiting);
    waiting.clear();
    context
        .getLog()
        .debug(
            "message settled: messageId={} channel={} status={} attempts={}",
            messageId,
            state.message().channel(),
            state.status().wireName(),
            state.attempts());
    CompletionStage<Void> event = deps.events().statusChanged(state.view());
    event.whenComplete((ok, error) -> answer.forEach(w -> w.tell(done)));
    return event;
  }

  // No provider took the attempt: the waiting jobs go back to the broker, the message is untouched.
  private void handBack(MessageState state, String reason) {
    context.getLog().debug("attempt not made: messageId={} reason={}", messageId, reason);
    JobDone done = new JobDone(messageId, state.status(), true);
    waiting.forEach(w -> w.tell(done));
    waiting.clear();
  }

  // Sharding's own idle passivation is off (it could stop an entity mid-attempt): an entity leaves
  // memory when it ends, or when a periodic check finds it with nothing running or scheduled.
  private Effect<Event, MessageState> onIdleCheck(MessageState state) {
    if (attemptStartedAt == null && !retryPending() && waiting.isEmpty()) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    } else {
      timers.startSingleTimer(IdleCheck.INSTANCE, deps.settings().idleTimeout());
    }
    return Effect().none();
  }

  // A finished message has nothing left to do in memory; a later read or redelivered job brings it
  // back from the journal. Without this, every message of the last idle timeout stays loaded.
  private void passivateIfTerminal(MessageState state) {
    if (state.status().isTerminal()) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
  }

  private Instant now() {
    return deps.clock().instant();
  }

  @Override
  public EventHandler<MessageState, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Accepted.class, (s, e) -> MessageState.accepted(e.message(), e.at()))
        .onEvent(AttemptStarted.class, (s, e) -> s.attempting(e.attempt(), e.at()))
        .onEvent(
            ProviderAccepted.class,
            (s, e) ->
                started(s, e.attemptStartedAt()).sent(e.providerMessageId(), e.partIds(), e.at()))
        .onEvent(
            RetryScheduled.class,
            (s, e) ->
                started(s, e.attemptStartedAt()).moved(MessageStatus.RETRYING, e.error(), e.at()))
        .onEvent(
            Failed.class,
            (s, e) ->
                started(s, e.attemptStartedAt()).moved(MessageStatus.FAILED, e.error(), e.at()))
        .onEvent(Expired.class, (s, e) -> s.moved(MessageStatus.EXPIRED, null, e.at()))
        .onEvent(ReceiptRecorded.class, MessageEntity::applyReceipt)
        .onEvent(
            PartReceiptRecorded.class, (s, e) -> s.partDelivered(e.providerMessageId(), e.at()))
        .onEvent(ReceiptWindowClosed.class, (s, e) -> s.receiptWindowClosed(e.window(), e.at()))
        .build();
  }

  // The state with an attempt begun at attemptStartedAt; the state itself when that is null.
  private static MessageState started(MessageState state, Instant attemptStartedAt) {
    return attemptStartedAt == null
        ? state
        : state.attempting(state.attempts() + 1, attemptStartedAt);
  }

  private static MessageState applyReceipt(MessageState state, ReceiptRecorded receipt) {
    return switch (receipt.outcome()) {
      case DELIVERED -> state.partDelivered(receipt.providerMessageId(), receipt.at());
      case READ -> state.read(receipt.at());
      case EXPIRED -> state.moved(MessageStatus.EXPIRED, null, receipt.at());
      case FAILED ->
          state.moved(
              MessageStatus.FAILED,
              new MessageError(
                  receipt.errorCode() == null ? "undelivered" : receipt.errorCode(),
                  "the provider reported the message undelivered"),
              receipt.at());
    };
  }
}
