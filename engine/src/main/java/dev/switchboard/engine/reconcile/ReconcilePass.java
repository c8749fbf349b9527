package dev.switchboard.engine.reconcile;

import dev.switchboard.engine.Continuations;
import dev.switchboard.engine.broker.ChannelPublisher;
import dev.switchboard.engine.broker.ConnectionHealth;
import dev.switchboard.engine.broker.MessageCodec;
import dev.switchboard.engine.broker.PublishResult;
import dev.switchboard.engine.delivery.MessageEntity;
import dev.switchboard.engine.delivery.MessageGateway;
import dev.switchboard.engine.delivery.MessageView;
import dev.switchboard.engine.message.MessageStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of the reconciler, as a stage: read a page of overdue messages, ask each entity how it
 * is now (attempts are journaled only when they finish, so the journal alone cannot say), act, then
 * find where the next watermark may go. Touches no actor state: the {@link Reconciler} gets the
 * {@link Outcome} back as a message.
 */
final class ReconcilePass {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  /** Why a job was published again. */
  enum Reason {
    ACCEPTED,
    RETRYING;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What a pass did to one message. */
  sealed interface Action {}

  record Republished(String messageId, Reason reason) implements Action {}

  record RepublishFailed(String messageId, Reason reason) implements Action {}

  record WindowClosed(String messageId) implements Action {}

  /** Terminal, or not a message: nothing left to do. */
  record Closed(String messageId) implements Action {}

  /** Still open, nothing to do now (under way, or its channel cannot send). */
  record Left(String messageId) implements Action {}

  /** Sent, its receipt window ends {@code until}. */
  record AwaitingReceipt(String messageId, Instant until) implements Action {}

  /**
   * @param found overdue rows read
   * @param last the ordering of the last row read, when the page was full (the next pass goes on
   *     from there), else null
   */
  record Outcome(int found, Long last, List<Action> actions, JournalScan.Bound bound) {}

  private final Reconciler.Wiring w;
  private final JournalScan scan;
  private final Instant now;
  // Messages republished lately, and when they may be published again.
  private final Map<String, Instant> notBefore;

  ReconcilePass(
      Reconciler.Wiring wiring, JournalScan scan, Instant now, Map<String, Instant> notBefore) {
    this.w = wiring;
    this.scan = scan;
    this.now = now;
    this.notBefore = Map.copyOf(notBefore);
  }

  /** Journal rows older than these are overdue for their message's state. */
  static JournalScan.Deadlines deadlines(
      ReconcilerSettings settings, Duration longestBackoff, Instant now) {
    return new JournalScan.Deadlines(
        now.minus(settings.acceptedGrace()),
        now.minus(retryGrace(settings, longestBackoff)),
        now.minus(settings.shortestReceiptWindow()));
  }

  static Duration retryGrace(ReconcilerSettings settings, Duration longestBackoff) {
    return longestBackoff.plus(settings.retryGrace());
  }

  /**
   * Reads from {@code max(low, cursor)}, and the parked messages that are due; the bound is always
   * computed from {@code low}, and the messages waiting for receipts that the next watermark passes
   * are parked before it is kept.
   */
  CompletionStage<Outcome> run(long low, long cursor) {
    ReconcilerSettings s = w.settings();
    return scan.overdue(Math.max(low, cursor), deadlines(s, w.longestBackoff(), now), s.batchSize())
        .thenCombine(scan.dueReceipts(now, s.batchSize()), ReconcilePass::both)
        .thenComposeAsync(this::handleAll, w.executor())
        .thenCompose(
            page ->
                scan.bound(low, now.minus(s.recentLag()))
                    .thenCompose(
                        bound ->
                            scan.park(low, bound.next(low), s.shortestReceiptWindow())
                                .thenApply(
                                    parked ->
                                        new Outcome(
                                            page.found(),
                                            page.found() == s.batchSize() ? page.last() : null,
                                            page.actions(),
                                            bound))));
  }

  // The scan's page (its last ordering is the cursor) and then the parked ones not in it.
  private record Found(List<JournalScan.Overdue> scanned, List<JournalScan.Overdue> parked) {}

  private static Found both(List<JournalScan.Overdue> scanned, List<JournalScan.Overdue> parked) {
    java.util.Set<String> ids = new java.util.HashSet<>();
    scanned.forEach(o -> ids.add(o.messageId()));
    return new Found(scanned, parked.stream().filter(o -> !ids.contains(o.messageId())).toList());
  }

  private record Page(int found, Long last, List<Action> actions) {}

  // In groups of `parallelism`: a pass never wakes hundreds of entities at once.
  private CompletionStage<Page> handleAll(Found found) {
    List<JournalScan.Overdue> overdue = new ArrayList<>(found.scanned());
    overdue.addAll(found.parked());
    List<Action> actions = java.util.Collections.synchronizedList(new ArrayList<>());
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    int size = w.settings().parallelism();
    for (int i = 0; i < overdue.size(); i += size) {
      List<JournalScan.Overdue> group = overdue.subList(i, Math.min(overdue.size(), i + size));
      chain =
          chain.thenCompose(
              ignored ->
                  CompletableFuture.allOf(
                      group.stream()
                          .map(o -> handle(o).thenAccept(actions::add).toCompletableFuture())
                          .toArray(CompletableFuture[]::new)));
    }
    List<JournalScan.Overdue> scanned = found.scanned();
    Long last = scanned.isEmpty() ? null : scanned.get(scanned.size() - 1).ordering();
    return chain.thenApply(ignored -> new Page(scanned.size(), last, List.copyOf(actions)));
  }

  // A message that cannot be asked about now stays open: the next pass asks again.
  private CompletionStage<Action> handle(JournalScan.Overdue overdue) {
    String id = overdue.messageId();
    return Continuations.on(
            w.sharding()
                .entityRefFor(MessageEntity.TYPE_KEY, id)
                .<MessageEntity.Liveness>ask(MessageEntity.Inspect::new, w.settings().askTimeout()),
            w.executor())
        .thenCompose(liveness -> act(overdue, liveness))
        .thenCompose(action -> overdue.parked() ? settle(overdue, action) : done(action))
        .exceptionally(
            error -> {
              Throwable cause =
                  error instanceof java.util.concurrent.CompletionException
                          && error.getCause() != null
                      ? error.getCause()
                      : error;
              LOG.warn(
                  "reconciler could not ask about a message: messageId={} cause={}",
                  id,
                  cause.getClass().getSimpleName());
              return new Left(id);
            });
  }

  // A parked message that ended is forgotten; one whose channel's window is longer than the
  // shortest is due again when its own ends.
  private CompletionStage<Action> settle(JournalScan.Overdue overdue, Action action) {
    if (action instanceof Closed || action instanceof WindowClosed) {
      return scan.settleParked(overdue.messageId(), null).thenApply(ignored -> action);
    }
    if (action instanceof AwaitingReceipt waiting) {
      return scan.settleParked(overdue.messageId(), waiting.until()).thenApply(ignored -> action);
    }
    return done(action);
  }

  private CompletionStage<Action> act(JournalScan.Overdue overdue, MessageEntity.Liveness live) {
    String id = overdue.messageId();
    MessageView view = live.view();
    if (view == null || view.terminal()) {
      return done(new Closed(id));
    }
    if (live.busy()) {
      return done(new Left(id));
    }
    String channel = view.message().channel();
    MessageStatus status = view.status();
    if (status == MessageStatus.SENT) {
      Duration window = w.settings().receiptWindow(channel);
      Instant ends = overdue.writtenAt().plus(window);
      if (ends.isAfter(now)) {
        return done(new AwaitingReceipt(id, ends));
      }
      return closeWindow(id, window);
    }
    Reason reason = status == MessageStatus.RETRYING ? Reason.RETRYING : Reason.ACCEPTED;
    Instant due = notBefore.get(id);
    if (due != null && due.isAfter(now) || !w.canSend().test(channel)) {
      // Republished lately, or its channel's providers are away (its job waits in the broker).
      return done(new Left(id));
    }
    return republish(view, reason);
  }

  private CompletionStage<Action> closeWindow(String id, Duration window) {
    return Continuations.on(
            w.sharding()
                .entityRefFor(MessageEntity.TYPE_KEY, id)
                .<MessageEntity.Lookup>ask(
                    replyTo -> new MessageEntity.CloseReceiptWindow(window, replyTo),
                    w.settings().askTimeout()),
            w.executor())
        .thenApply(
            lookup -> {
              MessageView after = lookup.view();
              if (after != null
                  && after.terminal()
                  && after.status() == MessageStatus.SENT
                  && after.error() != null
                  && "no_receipt".equals(after.error().code())) {
                LOG.info(
                    "reconciler closed a receipt window: messageId={} reason=no_receipt window={}",
                    id,
                    after.error().message());
                return new WindowClosed(id);
              }
              return after == null || after.terminal() ? new Closed(id) : new Left(id);
            });
  }

  private CompletionStage<Action> republish(MessageView view, Reason reason) {
    String id = view.message().id();
    MessageGateway.ChannelRoute route = w.routes().get(view.message().channel());
    if (route == null) {
      // A channel this node does not serve (any more): nothing here can send it.
      LOG.warn(
          "reconciler cannot republish, channel not served: messageId={} channel={}",
          id,
          view.message().channel());
      return done(new Left(id));
    }
    if (route.health().state() != ConnectionHealth.State.UP) {
      // No confirm could come now; the next pass tries again.
      return done(new RepublishFailed(id, reason));
    }
    if (reason == Reason.ACCEPTED && !route.outbox().direct()) {
      // The channel's outbox is publishing its backlog from the journal, in order: an accepted
      // message is in it, and publishing it here too would overtake the ones before it.
      return done(new Left(id));
    }
    byte[] body = MessageCodec.encode(view.message());
    return Continuations.on(
            AskPattern.<ChannelPublisher.Command, PublishResult>ask(
                route.publisher(),
                replyTo -> new ChannelPublisher.Publish(id, body, replyTo),
                w.publishTimeout(),
                w.scheduler()),
            w.executor())
        .handle(
            (result, error) -> {
              if (result instanceof PublishResult.Confirmed) {
                LOG.info("reconciler republished a job: messageId={} reason={}", id, reason.tag());
                return new Republished(id, reason);
              }
              LOG.warn(
                  "reconciler republish not confirmed: messageId={} reason={} cause={}",
                  id,
                  reason.tag(),
                  result instanceof PublishResult.NotConfirmed nc ? nc.reason() : "timeout");
              return new RepublishFailed(id, reason);
            });
  }

  private static CompletionStage<Action> done(Action action) {
    return CompletableFuture.completedFuture(action);
  }
}
