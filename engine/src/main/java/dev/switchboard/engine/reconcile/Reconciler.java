package dev.switchboard.engine.reconcile;

import dev.switchboard.engine.delivery.MessageGateway;
import dev.switchboard.engine.health.HealthRegistry;
import dev.switchboard.engine.persistence.SqlStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Every interval, finds the messages overdue for their state in the journal and moves them on (see
 * {@link ReconcilePass}); keeps the watermark below which every message was closed, saved so a
 * restart does not read the whole journal again. One per node for now: issue 11 makes it a cluster
 * singleton (two nodes reconciling at once only duplicate harmless republishes).
 */
public final class Reconciler extends AbstractBehavior<Reconciler.Command> {

  /** The reconciler's messages; all internal. */
  public sealed interface Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record Loaded(Long watermark, Throwable error) implements Command {}

  private record PassFinished(
      ReconcilePass.Outcome outcome, Throwable error, long startedNanos, long low)
      implements Command {}

  /** The node's parts the reconciler works with. */
  public record Wiring(
      ReconcilerSettings settings,
      Duration longestBackoff,
      Duration publishTimeout,
      SqlStore sql,
      ClusterSharding sharding,
      Map<String, MessageGateway.ChannelRoute> routes,
      Predicate<String> canSend,
      Scheduler scheduler,
      Executor executor,
      Clock clock) {}

  private record Saved(long watermark, Throwable error) implements Command {}

  private final Wiring wiring;
  private final JournalScan scan;
  private final ReconcilerHealth health;
  private final ReconcilerMetrics metrics;
  private final ReconcilerSettings settings;
  // Null until loaded from its table; and the value last saved there.
  private Long watermark;
  private long saved;
  // Where the next pass reads from when the last one stopped at a full page.
  private long cursor;
  private boolean running;
  // Messages republished and still open: how often, and when they may be published again.
  private final Map<String, Republish> republished = new HashMap<>();

  private record Republish(int count, Instant notBefore) {}

  /**
   * The reconciler; its health component is registered in {@code health} and its metrics in {@code
   * meters} once, here, so they outlive its restarts.
   */
  public static Behavior<Command> create(
      Wiring wiring, HealthRegistry health, MeterRegistry meters) {
    ReconcilerHealth component = new ReconcilerHealth();
    health.register(component);
    ReconcilerMetrics metrics = new ReconcilerMetrics(meters);
    JournalScan scan = new JournalScan(wiring.sql());
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> {
                  timers.startTimerWithFixedDelay(Tick.INSTANCE, wiring.settings().interval());
                  return new Reconciler(ctx, wiring, scan, component, metrics);
                }));
  }

  private Reconciler(
      ActorContext<Command> ctx,
      Wiring wiring,
      JournalScan scan,
      ReconcilerHealth health,
      ReconcilerMetrics metrics) {
    super(ctx);
    this.wiring = wiring;
    this.scan = scan;
    this.health = health;
    this.metrics = metrics;
    this.settings = wiring.settings();
    load();
  }

  private void load() {
    running = true;
    getContext().pipeToSelf(scan.loadWatermark(), (low, error) -> new Loaded(low, error));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Tick.class, t -> onTick())
        .onMessage(Loaded.class, this::onLoaded)
        .onMessage(PassFinished.class, this::onPassFinished)
        .onMessage(Saved.class, this::onSaved)
        .build();
  }

  private Behavior<Command> onLoaded(Loaded loaded) {
    running = false;
    if (loaded.error() != null) {
      failed("the watermark could not be read", loaded.error());
      return this;
    }
    watermark = loaded.watermark();
    saved = watermark;
    cursor = watermark;
    getContext().getLog().info("reconciler started: watermark={}", watermark);
    return this;
  }

  private Behavior<Command> onTick() {
    if (running) {
      return this;
    }
    if (watermark == null) {
      load();
      return this;
    }
    running = true;
    Instant now = wiring.clock().instant();
    Map<String, Instant> notBefore = new HashMap<>();
    republished.forEach((id, r) -> notBefore.put(id, r.notBefore()));
    long low = watermark;
    long started = System.nanoTime();
    getContext()
        .pipeToSelf(
            new ReconcilePass(wiring, scan, now, notBefore).run(low, cursor),
            (outcome, error) -> new PassFinished(outcome, error, started, low));
    return this;
  }

  private Behavior<Command> onPassFinished(PassFinished finished) {
    running = false;
    Duration took = Duration.ofNanos(System.nanoTime() - finished.startedNanos());
    if (finished.error() != null) {
      metrics.passed(false, took);
      failed("the journal could not be read", finished.error());
      return this;
    }
    metrics.passed(true, took);
    ReconcilePass.Outcome outcome = finished.outcome();
    Instant now = wiring.clock().instant();
    metrics.overdue(outcome.found());
    for (ReconcilePass.Action action : outcome.actions()) {
      record(action, now);
    }
    long next = outcome.bound().next(finished.low());
    cursor = outcome.last() == null ? next : Math.max(next, outcome.last());
    forgetStale(now);
    metrics.bound(outcome.bound().open(), finished.low(), next);
    health.passed(now, next, outcome.bound().open());
    watermark = next;
    if (next != saved) {
      getContext().pipeToSelf(scan.saveWatermark(next, now), (ok, error) -> new Saved(next, error));
    }
    return this;
  }

  // An unsaved watermark is saved again after the next pass; until then a restart reads more.
  private Behavior<Command> onSaved(Saved result) {
    if (result.error() != null) {
      failed("the watermark could not be saved", result.error());
    } else {
      saved = Math.max(saved, result.watermark());
    }
    return this;
  }

  private void record(ReconcilePass.Action action, Instant now) {
    if (action instanceof ReconcilePass.Republished r) {
      metrics.republished(r.reason().tag());
      Republish before = republished.get(r.messageId());
      int count = before == null ? 1 : before.count() + 1;
      republished.put(r.messageId(), new Republish(count, now.plus(spacing(r.reason(), count))));
    } else if (action instanceof ReconcilePass.RepublishFailed f) {
      metrics.republishFailed(f.reason().tag());
    } else if (action instanceof ReconcilePass.WindowClosed c) {
      metrics.windowClosed();
      republished.remove(c.messageId());
    } else if (action instanceof ReconcilePass.Closed c) {
      republished.remove(c.messageId());
    }
  }

  // The rule's own grace, doubling with each republish of the same message, capped.
  private Duration spacing(ReconcilePass.Reason reason, int count) {
    Duration grace =
        reason == ReconcilePass.Reason.RETRYING
            ? ReconcilePass.retryGrace(settings, wiring.longestBackoff())
            : settings.acceptedGrace();
    Duration spacing = grace.multipliedBy(1L << Math.min(count - 1, 20));
    return spacing.compareTo(settings.republishBackoffMax()) > 0
        ? settings.republishBackoffMax()
        : spacing;
  }

  // A message that ended elsewhere (a receipt, a consumer) is not seen closed by any pass.
  private void forgetStale(Instant now) {
    Instant stale = now.minus(settings.republishBackoffMax().multipliedBy(2));
    republished.values().removeIf(r -> r.notBefore().isBefore(stale));
  }

  private void failed(String what, Throwable error) {
    Throwable cause =
        error instanceof java.util.concurrent.CompletionException && error.getCause() != null
            ? error.getCause()
            : error;
    String reason = what + " (" + cause.getClass().getSimpleName() + ")";
    getContext().getLog().warn("reconciler pass failed: {}: {}", reason, cause.getMessage());
    health.failed(wiring.clock().instant(), reason);
  }
}
