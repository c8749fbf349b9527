package dev.switchboard.engine.webhook;

import dev.switchboard.engine.Redaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Sends due events from the outbox: claims a bounded batch every poll interval and when woken,
 * keeps at most {@code per-target-concurrency} attempts in flight per target and {@code
 * max-concurrency} in all (so a slow receiver holds only its own slots), and writes each result:
 * delivered, pending again after a jittered backoff, or dead after the last attempt. Its state is
 * only what is in flight; everything else is in the table.
 */
public final class WebhookDispatcher extends AbstractBehavior<WebhookDispatcher.Command> {

  public sealed interface Command {}

  /** Something may be due now (an event was queued or redelivered). */
  public enum Wake implements Command {
    INSTANCE
  }

  /** Stops sending; events in flight keep their lease until it ends, then are sent again. */
  public enum Stop implements Command {
    INSTANCE
  }

  private enum Tick implements Command {
    INSTANCE
  }

  private record Claimed(List<OutboxRow> rows, int asked, Throwable error) implements Command {}

  private record Attempted(OutboxRow row, Attempt attempt) implements Command {}

  private record Recorded(OutboxRow row, Boolean held, Throwable error) implements Command {}

  /**
   * What a dispatcher works with.
   *
   * @param owner this dispatcher's lease name, unique among dispatchers on the table
   * @param jitter draws the backoff's jitter; used by this actor only
   */
  public record Setup(
      String owner,
      WebhookSettings settings,
      Outbox outbox,
      WebhookSender sender,
      WebhookMetrics metrics,
      WebhookHealth health,
      Clock clock,
      RandomGenerator jitter) {}

  private final Setup setup;
  private final WebhookSettings settings;
  private final Map<String, Integer> inFlight = new HashMap<>();
  // Event id -> target of the attempts this incarnation started (a restart forgets them).
  private final Map<String, String> started = new HashMap<>();
  private int inFlightTotal;
  private boolean claiming;
  private boolean claimAgain;
  private boolean storeDown;

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(Tick.INSTANCE, setup.settings().pollInterval());
                  ctx.getSelf().tell(Wake.INSTANCE);
                  return new WebhookDispatcher(ctx, setup);
                }));
  }

  private WebhookDispatcher(ActorContext<Command> ctx, Setup setup) {
    super(ctx);
    this.setup = setup;
    this.settings = setup.settings();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Wake.INSTANCE, this::onPoll)
        .onMessageEquals(Tick.INSTANCE, this::onPoll)
        .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
        .onMessage(Claimed.class, this::onClaimed)
        .onMessage(Attempted.class, this::onAttempted)
        .onMessage(Recorded.class, this::onRecorded)
        .build();
  }

  private Behavior<Command> onPoll() {
    claim();
    return this;
  }

  // One claim at a time; a wake during it claims again right after.
  private void claim() {
    if (claiming) {
      claimAgain = true;
      return;
    }
    int room = settings.maxConcurrency() - inFlightTotal;
    if (room <= 0) {
      return;
    }
    Map<String, Integer> roomPerTarget = new HashMap<>();
    inFlight.forEach(
        (target, count) -> roomPerTarget.put(target, settings.perTargetConcurrency() - count));
    int asked = Math.min(settings.batchSize(), room);
    Instant now = setup.clock().instant();
    claiming = true;
    claimAgain = false;
    getContext()
        .pipeToSelf(
            setup
                .outbox()
                .claim(
                    setup.owner(),
                    now,
                    now.plus(settings.lease()),
                    asked,
                    settings.perTargetConcurrency(),
                    roomPerTarget),
            (rows, error) -> new Claimed(rows, asked, error));
  }

  private Behavior<Command> onClaimed(Claimed claimed) {
    claiming = false;
    if (claimed.error() != null) {
      setup.metrics().storeError("claim");
      if (!storeDown) {
        getContext()
            .getLog()
            .error(
                "webhook outbox unreadable: owner={} cause={}",
                setup.owner(),
                cause(claimed.error()));
      }
      storeDown = true;
      return this;
    }
    if (storeDown) {
      getContext().getLog().info("webhook outbox readable again: owner={}", setup.owner());
      storeDown = false;
    }
    for (OutboxRow row : claimed.rows()) {
      start(row);
    }
    // A full batch means more may be due now, not at the next tick.
    if (claimAgain || (!claimed.rows().isEmpty() && claimed.rows().size() == claimed.asked())) {
      claim();
    }
    return this;
  }

  private void start(OutboxRow row) {
    started.put(row.id(), row.target());
    inFlight.merge(row.target(), 1, Integer::sum);
    inFlightTotal++;
    getContext()
        .pipeToSelf(
            setup.sender().send(row),
            (attempt, error) ->
                new Attempted(row, attempt != null ? attempt : WebhookSender.describe(error)));
  }

  private Behavior<Command> onAttempted(Attempted attempted) {
    OutboxRow row = attempted.row();
    // The result of an attempt an earlier incarnation started is still recorded (the lease is
    // this owner's) but frees no slot of this one.
    if (started.remove(row.id()) != null) {
      inFlight.computeIfPresent(row.target(), (target, count) -> count > 1 ? count - 1 : null);
      inFlightTotal--;
    }
    int attempts = row.attempts() + 1;
    Instant now = setup.clock().instant();
    String state;
    Instant next = now;
    String error = null;
    if (attempted.attempt() instanceof Attempt.Delivered delivered) {
      state = OutboxRow.DELIVERED;
      setup.metrics().attempt(row.type(), "delivered");
      setup.metrics().delivered(row.type(), Duration.between(row.createdAt(), now));
      getContext()
          .getLog()
          .debug(
              "webhook delivered: event={} account={} target={} status={} attempts={}",
              row.id(),
              row.account(),
              Redaction.uri(row.target()),
              delivered.status(),
              attempts);
    } else {
      boolean refused = attempted.attempt() instanceof Attempt.Refused;
      error =
          refused
              ? ((Attempt.Refused) attempted.attempt()).error()
              : ((Attempt.Failed) attempted.attempt()).error();
      setup.health().attemptFailed(row.target(), error);
      if (refused || attempts >= settings.maxAttempts()) {
        state = OutboxRow.DEAD;
        setup.metrics().attempt(row.type(), "dead");
        getContext()
            .getLog()
            .warn(
                "webhook dead-lettered: event={} account={} target={} attempts={} error={}",
                row.id(),
                row.account(),
                Redaction.uri(row.target()),
                attempts,
                error);
      } else {
        state = OutboxRow.PENDING;
        next = now.plus(settings.backoff().delay(attempts, setup.jitter()));
        setup.metrics().attempt(row.type(), "retried");
        getContext()
            .getLog()
            .info(
                "webhook retry: event={} account={} target={} attempts={} error={} next={}",
                row.id(),
                row.account(),
                Redaction.uri(row.target()),
                attempts,
                error,
                next);
      }
    }
    getContext()
        .pipeToSelf(
            setup.outbox().record(row.id(), setup.owner(), state, attempts, next, error, now),
            (held, failure) -> new Recorded(row, held, failure));
    // A slot is free: whatever waited for it may go now.
    claim();
    return this;
  }

  private Behavior<Command> onRecorded(Recorded recorded) {
    if (recorded.error() != null) {
      // The lease runs out and the event is sent again: at least once, receivers dedupe by id.
      setup.metrics().storeError("record");
      getContext()
          .getLog()
          .error(
              "webhook result not recorded: event={} cause={}",
              recorded.row().id(),
              cause(recorded.error()));
    } else if (!recorded.held()) {
      getContext()
          .getLog()
          .warn(
              "webhook result not recorded, lease lost: event={} owner={}",
              recorded.row().id(),
              setup.owner());
    }
    return this;
  }

  private static String cause(Throwable error) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}
