package dev.switchboard.engine.delivery;

import dev.switchboard.engine.Continuations;
import dev.switchboard.engine.broker.ChannelPublisher;
import dev.switchboard.engine.broker.ConnectionHealth;
import dev.switchboard.engine.broker.MessageCodec;
import dev.switchboard.engine.broker.PublishResult;
import dev.switchboard.engine.message.MessageStatus;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.outbox.Outbox;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The engine's front door for the edge: submit a message (durable in its entity, then published
 * with a confirm) and read one. Every step is bounded by a timeout and every failure is an answer,
 * never an exception.
 */
public final class MessageGateway {

  /** The outcome of a submission. */
  public sealed interface Submission {}

  /** Durable and confirmed; {@code created} is false for a repeat of an earlier submission. */
  public record Accepted(MessageView view, boolean created) implements Submission {}

  /**
   * Not accepted now; the client may retry after {@code retryAfter}.
   *
   * @param brokerFault the broker, not the journal, is why
   */
  public record Unavailable(boolean brokerFault, String reason, Duration retryAfter)
      implements Submission {}

  /**
   * Where the gateway publishes one channel's messages, that connection's state, and the outbox
   * that publishes them from the journal when the gateway cannot.
   */
  public record ChannelRoute(
      ActorRef<ChannelPublisher.Command> publisher, ConnectionHealth health, Outbox outbox) {}

  // Less time than this left for a publish after waiting for a hand-back: leave it to the relay.
  private static final Duration MIN_PUBLISH_TIME = Duration.ofMillis(100);

  private final ClusterSharding sharding;
  private final Scheduler scheduler;
  // Continuations run here: on 2 cores the JDK's default async executor starts a thread per task.
  private final Executor executor;
  private final DeliverySettings settings;
  private final Map<String, ChannelRoute> routes;
  private final BooleanSupplier journalUp;

  /**
   * @param journalUp whether the journal's last check found it answering: while it does not, the
   *     API refuses at once instead of waiting for each request's ask to time out
   */
  public MessageGateway(
      ClusterSharding sharding,
      Scheduler scheduler,
      Executor executor,
      DeliverySettings settings,
      Map<String, ChannelRoute> routes,
      BooleanSupplier journalUp) {
    this.sharding = sharding;
    this.scheduler = scheduler;
    this.executor = executor;
    this.settings = settings;
    this.routes = Map.copyOf(routes);
    this.journalUp = journalUp;
  }

  public CompletionStage<Submission> submit(OutboundMessage message) {
    ChannelRoute route = routes.get(message.channel());
    if (route == null) {
      throw new IllegalArgumentException("channel not enabled: " + message.channel());
    }
    if (!journalUp.getAsBoolean()) {
      return CompletableFuture.completedFuture(
          new Unavailable(false, "the journal is unavailable", retryAfterJournal()));
    }
    if (route.outbox().full()) {
      return CompletableFuture.completedFuture(
          new Unavailable(
              true,
              "the broker has not taken this channel's messages for a while and its outbox is full",
              retryAfterBroker()));
    }
    return Continuations.on(
            entity(message.id())
                .<MessageEntity.AcceptReply>ask(
                    replyTo -> new MessageEntity.Accept(message, replyTo), settings.askTimeout()),
            executor)
        .<Submission>thenCompose(reply -> publishIfNeeded(message, route, reply))
        .exceptionally(
            error ->
                new Unavailable(false, "the journal did not answer in time", retryAfterJournal()));
  }

  private CompletionStage<Submission> publishIfNeeded(
      OutboundMessage message, ChannelRoute route, MessageEntity.AcceptReply reply) {
    MessageView view = reply.view();
    if (!view.message().account().equals(message.account())) {
      return CompletableFuture.completedFuture(
          new Unavailable(false, "message id collision; retry with a new request", Duration.ZERO));
    }
    if (view.status() != MessageStatus.ACCEPTED) {
      // Already consumed from the broker: nothing more to publish.
      return CompletableFuture.completedFuture(new Accepted(view, reply.created()));
    }
    Accepted accepted = new Accepted(view, reply.created());
    Outbox outbox = route.outbox();
    if (!outbox.direct()) {
      // The relay has this channel: publishing here could overtake older messages it still holds.
      outbox.nudge();
      return CompletableFuture.completedFuture(accepted);
    }
    if (route.health().state() != ConnectionHealth.State.UP) {
      outbox.handOver(view.message().createdAt());
      return CompletableFuture.completedFuture(accepted);
    }
    if (outbox.handedBack().isDone()) {
      return publish(message, route, view, accepted, settings.publishTimeout());
    }
    // The relay just handed the channel back and still publishes older messages: wait for it
    // (within the publish timeout, all told), or this message could overtake them.
    long started = System.nanoTime();
    return Continuations.on(
            outbox
                .handedBack()
                .thenApply(done -> true)
                .completeOnTimeout(
                    false, settings.publishTimeout().toMillis(), TimeUnit.MILLISECONDS),
            executor)
        .thenCompose(
            handedBack -> {
              Duration left = settings.publishTimeout().minusNanos(System.nanoTime() - started);
              if (!outbox.direct()) {
                outbox.nudge();
                return CompletableFuture.completedFuture(accepted);
              }
              if (!handedBack || left.compareTo(MIN_PUBLISH_TIME) < 0) {
                outbox.handOver(view.message().createdAt());
                return CompletableFuture.completedFuture(accepted);
              }
              return publish(message, route, view, accepted, left);
            });
  }

  private CompletionStage<Submission> publish(
      OutboundMessage message,
      ChannelRoute route,
      MessageView view,
      Accepted accepted,
      Duration timeout) {
    Outbox outbox = route.outbox();
    byte[] body = MessageCodec.encode(view.message());
    return Continuations.on(
            AskPattern.<ChannelPublisher.Command, PublishResult>ask(
                route.publisher(),
                replyTo -> new ChannelPublisher.Publish(message.id(), body, replyTo),
                timeout,
                scheduler),
            executor)
        .handle(
            (result, error) -> {
              if (!(result instanceof PublishResult.Confirmed)) {
                // Durable in the journal all the same: the relay publishes it, and what follows.
                outbox.handOver(view.message().createdAt());
              }
              return accepted;
            });
  }

  /** The message with this id if it belongs to {@code account}; another account's is absent. */
  public CompletionStage<Optional<MessageView>> find(String account, String id) {
    return Continuations.on(
            entity(id).<MessageEntity.Lookup>ask(MessageEntity.Get::new, settings.askTimeout()),
            executor)
        .thenApply(
            lookup ->
                Optional.ofNullable(lookup.view())
                    .filter(v -> v.message().account().equals(account)));
  }

  private EntityRef<MessageEntity.Command> entity(String id) {
    return sharding.entityRefFor(MessageEntity.TYPE_KEY, id);
  }

  private Duration retryAfterBroker() {
    return settings.retryAfter();
  }

  private Duration retryAfterJournal() {
    return settings.retryAfter();
  }
}
