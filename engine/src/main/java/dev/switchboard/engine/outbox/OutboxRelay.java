package dev.switchboard.engine.outbox;

import dev.switchboard.engine.broker.ChannelPublisher;
import dev.switchboard.engine.broker.ConnectionHealth;
import dev.switchboard.engine.broker.MessageCodec;
import dev.switchboard.engine.broker.PublishResult;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel's relay from the journal to the broker. While the API publishes every accepted
 * message itself (a confirm before its {@code 202}), the relay is idle. The first publish the API
 * cannot complete (broker down or blocked, no confirm in time) turns the channel over to the relay:
 * from then on the API only journals, and the relay publishes every accepted message of the channel
 * from a little before that moment, page by page in journal order (acceptance order, so the order
 * per recipient holds), each with a confirm.
 *
 * <p>Catching up: when a page comes back short the API publishes again, and the relay finishes with
 * what the journal held at that moment (its {@code target}): every message the API left to it is
 * there, since the API journals before it looks at the mode. Until the relay has finished, the API
 * holds its own publishes ({@link OutboxState#handedBack()}), so that none overtakes an older
 * message of the same recipient. Its place is kept in {@link OutboxMarkers}, so a restart resumes
 * there.
 */
public final class OutboxRelay extends AbstractBehavior<OutboxRelay.Command> {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
  private static final Duration COUNT_EVERY = Duration.ofSeconds(2);

  /** What the relay accepts. */
  public sealed interface Command {}

  /** The API could not publish a message accepted at {@code since}: take the channel over. */
  public record Backlog(Instant since) implements Command {}

  /** More accepted messages may be waiting. */
  public enum Nudge implements Command {
    INSTANCE
  }

  private record Positioned(OutboxMarkers.Marker marker) implements Command {}

  private record Relayed(long position, boolean full, int confirmed, Instant oldest, String error)
      implements Command {}

  private record Targeted(long target) implements Command {}

  private record Saved(long depth, Instant oldest, boolean later) implements Command {}

  private enum Cleared implements Command {
    INSTANCE
  }

  private record Failed(String error) implements Command {}

  /** What one relay needs; {@code state} is shared with the API and health. */
  public record Setup(
      String channel,
      ActorRef<ChannelPublisher.Command> publisher,
      ConnectionHealth broker,
      JournalTail tail,
      OutboxMarkers markers,
      OutboxSettings settings,
      Duration publishTimeout,
      OutboxState state,
      Counter published) {}

  private final Setup setup;
  private final TimerScheduler<Command> timers;
  private final Scheduler scheduler;
  // Null while the API publishes itself; else the relay's place in the journal.
  private OutboxMarkers.Marker marker;
  // Set once the API publishes again: the journal's end at that moment, where the relay stops.
  private long target = Long.MAX_VALUE;
  private boolean busy;
  private long countedAt = System.nanoTime() - COUNT_EVERY.toNanos();
  // The moment the API last handed the channel over, until the relay has its place.
  private Instant handedOverAt;

  /** A relay, resuming from {@code resume} when a previous run left one (else null). */
  public static Behavior<Command> create(Setup setup, OutboxMarkers.Marker resume) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new OutboxRelay(ctx, timers, setup, resume)));
  }

  private OutboxRelay(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Setup setup,
      OutboxMarkers.Marker resume) {
    super(context);
    this.setup = setup;
    this.timers = timers;
    this.scheduler = context.getSystem().scheduler();
    if (resume != null) {
      marker = resume;
      setup.state().backlogged(resume.since());
      LOG.info(
          "outbox resumed: channel={} position={} since={}",
          setup.channel(),
          resume.position(),
          resume.since());
      context.getSelf().tell(Nudge.INSTANCE);
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Backlog.class, this::onBacklog)
        .onMessage(Positioned.class, this::onPositioned)
        .onMessageEquals(Nudge.INSTANCE, this::pass)
        .onMessage(Relayed.class, this::onRelayed)
        .onMessage(Targeted.class, this::onTargeted)
        .onMessage(Saved.class, this::onSaved)
        .onMessageEquals(Cleared.INSTANCE, this::onCleared)
        .onMessage(Failed.class, this::onFailed)
        .build();
  }

  private Behavior<Command> onBacklog(Backlog backlog) {
    setup.state().backlogged(backlog.since());
    // Relaying already: go on past the end it meant to stop at.
    target = Long.MAX_VALUE;
    if (marker != null || busy) {
      return this;
    }
    busy = true;
    handedOverAt = backlog.since();
    Instant from = backlog.since().minus(setup.settings().lookback());
    getContext()
        .pipeToSelf(
            setup
                .tail()
                .positionBefore(from)
                .thenCompose(
                    position -> {
                      OutboxMarkers.Marker m = new OutboxMarkers.Marker(position, backlog.since());
                      return setup.markers().save(setup.channel(), m).thenApply(ok -> m);
                    }),
            (m, error) ->
                error == null
                    ? new Positioned(m)
                    : new Failed("could not record the outbox's place: " + describe(error)));
    return this;
  }

  private Behavior<Command> onPositioned(Positioned positioned) {
    busy = false;
    handedOverAt = null;
    marker = positioned.marker();
    LOG.warn(
        "outbox relaying: channel={} position={} since={} (the API could not publish)",
        setup.channel(),
        marker.position(),
        marker.since());
    return pass();
  }

  private Behavior<Command> pass() {
    if (busy || marker == null) {
      return this;
    }
    if (setup.broker().state() != ConnectionHealth.State.UP) {
      // Nothing can be confirmed now: count what waits (for health) and look again later. The
      // oldest waiting message is, at the latest, the one whose publish failed first.
      busy = true;
      OutboxMarkers.Marker m = marker;
      getContext()
          .pipeToSelf(
              depthAfter(m.position()),
              (depth, error) ->
                  error == null
                      ? new Saved(depth, m.since(), true)
                      : new Failed("journal read failed: " + describe(error)));
      return this;
    }
    busy = true;
    long from = marker.position();
    getContext()
        .pipeToSelf(
            setup
                .tail()
                .after(from, target, setup.settings().pageSize())
                .thenCompose(this::publish),
            (relayed, error) ->
                error == null ? relayed : new Failed("journal read failed: " + describe(error)));
    return this;
  }

  // Publishes the page's messages of this channel in order, all at once (the broker keeps their
  // order on one channel), and answers how many of them, from the first, were confirmed.
  private CompletionStage<Command> publish(JournalTail.Page page) {
    List<JournalTail.Entry> mine = new ArrayList<>();
    for (JournalTail.Entry e : page.entries()) {
      if (e.message().channel().equals(setup.channel())) {
        mine.add(e);
      }
    }
    List<CompletableFuture<PublishResult>> results = new ArrayList<>(mine.size());
    for (JournalTail.Entry e : mine) {
      byte[] body = MessageCodec.encode(e.message());
      results.add(
          AskPattern.<ChannelPublisher.Command, PublishResult>ask(
                  setup.publisher(),
                  replyTo -> new ChannelPublisher.Publish(e.message().id(), body, replyTo),
                  setup.publishTimeout(),
                  scheduler)
              .toCompletableFuture()
              .exceptionally(error -> new PublishResult.NotConfirmed("no confirm in time", false)));
    }
    Instant oldest = mine.isEmpty() ? null : mine.get(0).journaledAt();
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              for (int i = 0; i < results.size(); i++) {
                if (results.get(i).join() instanceof PublishResult.NotConfirmed nc) {
                  // Just before the first message not confirmed: it and the rest go again.
                  long position = mine.get(i).ordering() - 1;
                  return new Relayed(position, false, i, mine.get(i).journaledAt(), nc.reason());
                }
              }
              return new Relayed(page.end(), page.full(), mine.size(), oldest, null);
            });
  }

  private Behavior<Command> onRelayed(Relayed relayed) {
    setup.published().increment(relayed.confirmed());
    marker = new OutboxMarkers.Marker(relayed.position(), marker.since());
    if (relayed.error() != null) {
      setup.state().failed(relayed.error());
      LOG.warn(
          "outbox publish not confirmed: channel={} position={} cause={}",
          setup.channel(),
          relayed.position(),
          relayed.error());
      return save(relayed.oldest(), true);
    }
    if (relayed.full()) {
      return save(relayed.oldest(), false);
    }
    if (target == Long.MAX_VALUE) {
      // Near the journal's end: the API publishes from now on, and the relay finishes with what
      // the journal holds now (read after the switch, so it holds every message left to us).
      setup.state().caughtUp();
      getContext()
          .pipeToSelf(
              setup.tail().head(),
              (head, error) ->
                  error == null
                      ? new Targeted(head)
                      : new Failed("journal read failed: " + describe(error)));
      return this;
    }
    // Everything up to the target that the journal holds has been read and confirmed.
    getContext()
        .pipeToSelf(
            setup.markers().clear(setup.channel()),
            (ok, error) ->
                error == null
                    ? Cleared.INSTANCE
                    : new Failed("could not clear the outbox's place: " + describe(error)));
    return this;
  }

  private Behavior<Command> onTargeted(Targeted targeted) {
    busy = false;
    if (!setup.state().direct()) {
      // The API gave up on the broker again meanwhile: go on relaying.
      return pass();
    }
    target = targeted.target();
    return pass();
  }

  private Behavior<Command> save(Instant oldest, boolean later) {
    OutboxMarkers.Marker m = marker;
    getContext()
        .pipeToSelf(
            setup.markers().save(setup.channel(), m).thenCompose(ok -> depthAfter(m.position())),
            (depth, error) ->
                error == null
                    ? new Saved(depth, oldest, later)
                    : new Failed("could not record the outbox's place: " + describe(error)));
    return this;
  }

  // Counting is a scan of what waits: at most once per COUNT_EVERY, so draining a large backlog
  // page by page does not count it again for every page; in between the last count stands.
  private CompletionStage<Long> depthAfter(long position) {
    long now = System.nanoTime();
    if (now - countedAt < COUNT_EVERY.toNanos()) {
      return CompletableFuture.completedFuture(setup.state().depth());
    }
    countedAt = now;
    return setup.tail().countAfter(position);
  }

  private Behavior<Command> onSaved(Saved saved) {
    busy = false;
    setup.state().waiting(saved.depth(), saved.oldest());
    if (saved.later()) {
      timers.startSingleTimer(Nudge.INSTANCE, setup.settings().retryInterval());
      return this;
    }
    return pass();
  }

  private Behavior<Command> onCleared() {
    busy = false;
    setup.state().cleared();
    LOG.info("outbox caught up: channel={} since={}", setup.channel(), marker.since());
    marker = null;
    target = Long.MAX_VALUE;
    if (!setup.state().direct()) {
      // The API gave up on the broker again while the place was being cleared.
      getContext().getSelf().tell(new Backlog(setup.state().since()));
    }
    return this;
  }

  private Behavior<Command> onFailed(Failed failed) {
    busy = false;
    setup.state().failed(failed.error());
    LOG.error("outbox: channel={} {}", setup.channel(), failed.error());
    Command retry = marker == null ? new Backlog(handedOverAt) : Nudge.INSTANCE;
    timers.startSingleTimer(retry, setup.settings().retryInterval());
    return this;
  }

  private static String describe(Throwable error) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    return cause.getClass().getSimpleName();
  }
}
