package dev.switchboard.engine.provider;

import dev.switchboard.engine.Redaction;
import dev.switchboard.engine.message.OutboundMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Owns one provider instance's session: opens it off the actor, enforces the instance's window of
 * outstanding sends, its rate limit (in units of the adapter's cost: SMS segments) and every
 * deadline, pauses and resends on throttling, writes the provider-id index with each send's
 * outcome, and reports itself in {@link ProviderHealth}. Sends it cannot start are answered {@link
 * SendOutcome.NotAttempted} at once, so their jobs go back to the broker rather than fail. A lost
 * session fails the actor; its parent restarts it with backoff.
 */
public final class ProviderRuntime extends AbstractBehavior<ProviderRuntime.Command> {

  /** The code of a send whose session ended before the peer answered it. */
  static final String CONNECTION_LOST = "provider_connection_lost";

  /** What the runtime accepts. */
  public sealed interface Command {}

  /** One attempt of one message; answered with the provider's outcome. */
  public record Send(OutboundMessage message, int attempt, ActorRef<SendOutcome> replyTo)
      implements Command {}

  /**
   * Ends the session politely (SMPP {@code unbind}) within the close timeout and stops; what is
   * outstanding is answered first. {@code replyTo} hears once the session is closed.
   */
  public record Shutdown(ActorRef<Done> replyTo) implements Command {}

  private record Closed(ActorRef<Done> replyTo) implements Command {}

  private record Opened(Object incarnation, ProviderSession session) implements Command {}

  private record OpenFailed(Object incarnation, Throwable cause) implements Command {}

  private record Lost(Object incarnation, String cause) implements Command {}

  private record Answered(Object incarnation, Pending pending, SendOutcome outcome, Throwable error)
      implements Command {}

  private record Indexed(Pending pending, SendOutcome.Sent sent, Throwable error)
      implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  /** Everything an instance's runtime needs; outlives its restarts. */
  public record Setup(
      String name,
      ProviderAdapter adapter,
      ProviderLimits limits,
      ProviderSettings settings,
      ProviderHealth health,
      ProviderMetrics metrics,
      ProviderEvents events,
      ProviderIdIndex index,
      Executor blocking) {}

  private static final class Pending {
    final Send send;
    final int cost;
    final long queuedNanos = System.nanoTime();
    long startedNanos;

    Pending(Send send, int cost) {
      this.send = send;
      this.cost = cost;
    }
  }

  private final Setup setup;
  private final TimerScheduler<Command> timers;
  private final Object incarnation = new Object();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final List<Pending> inFlight = new ArrayList<>();
  private ProviderSession session;
  // The rate limit as a token bucket; the rate halves on throttling and recovers by itself.
  private double tokens;
  private double rate;
  private long refilledNanos = System.nanoTime();
  private long pausedUntilNanos;

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new ProviderRuntime(ctx, timers, setup)));
  }

  private ProviderRuntime(ActorContext<Command> ctx, TimerScheduler<Command> timers, Setup setup) {
    super(ctx);
    this.setup = setup;
    this.timers = timers;
    this.rate = setup.limits().perSecond();
    this.tokens = Math.max(1, rate);
    setup.health().connecting();
    open();
  }

  private void open() {
    Object inc = incarnation;
    ActorRef<Command> self = getContext().getSelf();
    ProviderEvents events = new SessionEvents(self, inc);
    AtomicBoolean abandoned = stopped;
    CompletableFuture<ProviderSession> opening =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                ProviderSession opened = setup.adapter().open(events);
                if (abandoned.get()) {
                  opened.close();
                }
                return opened;
              } catch (RuntimeException e) {
                throw e;
              } catch (Exception e) {
                throw new ProviderUnavailableException(e.getMessage(), e);
              }
            },
            setup.blocking());
    getContext()
        .pipeToSelf(
            opening.orTimeout(setup.settings().openTimeout().toMillis(), TimeUnit.MILLISECONDS),
            (opened, error) ->
                error == null ? new Opened(inc, opened) : new OpenFailed(inc, error));
  }

  /** What the session reports; called on its threads, it only tells the actor and the engine. */
  private final class SessionEvents implements ProviderEvents {
    private final ActorRef<Command> self;
    private final Object inc;

    SessionEvents(ActorRef<Command> self, Object inc) {
      this.self = self;
      this.inc = inc;
    }

    @Override
    public CompletionStage<Void> receipt(DeliveryReceipt receipt) {
      return counted("receipt", setup.events().receipt(receipt));
    }

    @Override
    public CompletionStage<Void> inbound(InboundMessage message) {
      return counted("inbound", setup.events().inbound(message));
    }

    @Override
    public void sessionLost(String cause) {
      self.tell(new Lost(inc, cause));
    }

    private CompletionStage<Void> counted(String kind, CompletionStage<Void> stage) {
      return stage.whenComplete((ok, error) -> setup.metrics().reported(kind, error == null));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Send.class, this::onSend)
        .onMessage(Opened.class, this::onOpened)
        .onMessage(OpenFailed.class, this::onOpenFailed)
        .onMessage(Lost.class, this::onLost)
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(Indexed.class, this::onIndexed)
        .onMessage(Tick.class, t -> drain())
        .onMessage(Shutdown.class, this::onShutdown)
        .onMessage(Closed.class, this::onClosed)
        .onSignal(PreRestart.class, s -> onStopping())
        .onSignal(PostStop.class, s -> onStopping())
        .build();
  }

  private Behavior<Command> onSend(Send send) {
    if (session == null) {
      send.replyTo()
          .tell(
              new SendOutcome.NotAttempted(
                  "provider "
                      + setup.name()
                      + " is "
                      + setup.health().state().name().toLowerCase(java.util.Locale.ROOT)));
      return this;
    }
    queue.add(new Pending(send, Math.max(1, setup.adapter().cost(send.message()))));
    return drain();
  }

  private Behavior<Command> onOpened(Opened opened) {
    if (opened.incarnation() != incarnation) {
      setup.blocking().execute(opened.session()::close);
      return this;
    }
    session = opened.session();
    setup.health().opened();
    getContext()
        .getLog()
        .info(
            "provider session open: provider={} channel={} peer={} reconnects={}",
            setup.name(),
            setup.health().channel(),
            setup.adapter().peer(),
            setup.health().reconnects());
    return this;
  }

  private Behavior<Command> onOpenFailed(OpenFailed failed) {
    if (failed.incarnation() != incarnation) {
      return this;
    }
    String cause = describe(failed.cause());
    if (setup.health().failed(cause)) {
      getContext()
          .getLog()
          .warn(
              "provider session could not open: provider={} channel={} peer={} cause={}",
              setup.name(),
              setup.health().channel(),
              setup.adapter().peer(),
              cause);
    }
    throw new ProviderUnavailableException(cause, null);
  }

  private Behavior<Command> onLost(Lost lost) {
    if (lost.incarnation() != incarnation || session == null) {
      return this;
    }
    setup.health().failed(lost.cause());
    getContext()
        .getLog()
        .warn(
            "provider session lost: provider={} channel={} peer={} inFlight={} cause={}",
            setup.name(),
            setup.health().channel(),
            setup.adapter().peer(),
            inFlight.size(),
            lost.cause());
    throw new ProviderUnavailableException(lost.cause(), null);
  }

  private Behavior<Command> drain() {
    long now = System.nanoTime();
    expireQueued(now);
    refill(now);
    while (session != null
        && !queue.isEmpty()
        && inFlight.size() < setup.limits().window()
        && now - pausedUntilNanos >= 0
        && (rate <= 0 || tokens > 0)) {
      start(queue.poll(), now);
    }
    report();
    if (!queue.isEmpty()) {
      // With the window full too: the oldest queued send is answered at its queue-timeout.
      Duration next = untilOldestExpires(now);
      if (inFlight.size() < setup.limits().window()) {
        next = next.compareTo(untilNextStart(now)) < 0 ? next : untilNextStart(now);
      }
      timers.startSingleTimer(Tick.INSTANCE, next);
    }
    return this;
  }

  private Duration untilOldestExpires(long now) {
    long oldest = queue.stream().mapToLong(p -> p.queuedNanos).min().orElse(now);
    long wait = oldest + setup.settings().queueTimeout().toNanos() - now;
    return Duration.ofNanos(Math.max(wait, TimeUnit.MILLISECONDS.toNanos(1)));
  }

  private Duration untilNextStart(long now) {
    long wait = Math.max(0, pausedUntilNanos - now);
    if (rate > 0 && tokens <= 0) {
      wait = Math.max(wait, (long) ((-tokens + 0.001) / rate * 1e9));
    }
    return Duration.ofNanos(Math.max(wait, TimeUnit.MILLISECONDS.toNanos(1)));
  }

  private void refill(long now) {
    if (rate <= 0) {
      return;
    }
    double configured = setup.limits().perSecond();
    double seconds = (now - refilledNanos) / 1e9;
    refilledNanos = now;
    tokens = Math.min(Math.max(1, rate), tokens + seconds * rate);
    // After throttling, the rate climbs back by a quarter per second without throttling.
    if (rate < configured && now - pausedUntilNanos >= 0) {
      rate = Math.min(configured, rate * Math.pow(1.25, seconds));
    }
  }

  // A send that could not start before its deadline goes back to the broker, untouched.
  private void expireQueued(long now) {
    long bound = setup.settings().queueTimeout().toNanos();
    queue.removeIf(
        p -> {
          if (now - p.queuedNanos < bound) {
            return false;
          }
          p.send
              .replyTo()
              .tell(new SendOutcome.NotAttempted("provider " + setup.name() + " is busy"));
          return true;
        });
  }

  private void start(Pending pending, long now) {
    tokens -= pending.cost;
    pending.startedNanos = now;
    inFlight.add(pending);
    Object inc = incarnation;
    CompletableFuture<SendOutcome> answer;
    try {
      answer =
          session
              .send(pending.send.message(), pending.send.attempt())
              .toCompletableFuture()
              .orTimeout(setup.settings().sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    getContext().pipeToSelf(answer, (outcome, error) -> new Answered(inc, pending, outcome, error));
  }

  private Behavior<Command> onAnswered(Answered answered) {
    if (answered.incarnation() != incarnation || !inFlight.remove(answered.pending())) {
      return this;
    }
    Pending pending = answered.pending();
    SendOutcome outcome =
        answered.error() == null
            ? answered.outcome()
            : unknownOutcome(answered.error(), pending.send.message().id());
    if (outcome instanceof SendOutcome.Throttled throttled) {
      setup.metrics().throttled();
      Duration pause =
          throttled.pause() != null ? throttled.pause() : setup.settings().throttlePause();
      pausedUntilNanos = System.nanoTime() + pause.toNanos();
      rate = rate > 0 ? Math.max(1, rate / 2) : rate;
      setup.health().throttled(throttled.code(), Instant.now().plus(pause));
      getContext()
          .getLog()
          .info(
              "provider throttling: provider={} channel={} code={} pause={}ms messageId={}",
              setup.name(),
              setup.health().channel(),
              throttled.code(),
              pause.toMillis(),
              pending.send.message().id());
      // The same message again, first in line, once the pause is over.
      queue.addFirst(pending);
      return drain();
    }
    setup.metrics().sent(resultClass(outcome), pending.startedNanos);
    if (outcome instanceof SendOutcome.Sent sent
        && setup.index() != null
        && !setup.adapter().receiptsNameOurIds()) {
      getContext()
          .pipeToSelf(
              setup.index().record(setup.name(), sent.partIds(), pending.send.message().id()),
              (ok, error) -> new Indexed(pending, sent, error));
    } else {
      pending.send.replyTo().tell(outcome);
    }
    return drain();
  }

  // The message is with the provider whatever happened to the index: its receipt may then find no
  // message, which is counted and dead-lettered where receipts are matched.
  private Behavior<Command> onIndexed(Indexed indexed) {
    if (indexed.error() != null) {
      getContext()
          .getLog()
          .error(
              "provider id index write failed: provider={} messageId={} providerMessageId={} cause={}",
              setup.name(),
              indexed.pending().send.message().id(),
              indexed.sent().providerMessageId(),
              describe(indexed.error()));
    }
    indexed.pending().send.replyTo().tell(indexed.sent());
    return this;
  }

  // The adapter's own words stay in the log: a message's error is read by customers.
  private SendOutcome unknownOutcome(Throwable error, String messageId) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    if (cause instanceof TimeoutException) {
      return new SendOutcome.TransientFailure(
          "provider_timeout", "the provider did not answer in time", null);
    }
    getContext()
        .getLog()
        .warn(
            "provider send ended without an answer: provider={} channel={} messageId={} cause={}",
            setup.name(),
            setup.health().channel(),
            messageId,
            describe(cause));
    return new SendOutcome.TransientFailure(
        "provider_error", "the send ended without the provider's answer", null);
  }

  private static String resultClass(SendOutcome outcome) {
    if (outcome instanceof SendOutcome.Sent) {
      return "sent";
    }
    if (outcome instanceof SendOutcome.PermanentFailure) {
      return "permanent";
    }
    return outcome instanceof SendOutcome.TransientFailure ? "transient" : "other";
  }

  private void report() {
    setup.health().load(inFlight.size(), queue.size());
  }

  private Behavior<Command> onShutdown(Shutdown shutdown) {
    ProviderSession closing = session;
    session = null;
    onStopping();
    getContext()
        .getLog()
        .info("provider closing: provider={} channel={}", setup.name(), setup.health().channel());
    CompletableFuture<Void> closed =
        closing == null
            ? CompletableFuture.completedFuture(null)
            : CompletableFuture.runAsync(closing::close, setup.blocking())
                .orTimeout(setup.settings().closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    getContext().pipeToSelf(closed, (ok, error) -> new Closed(shutdown.replyTo()));
    return this;
  }

  private Behavior<Command> onClosed(Closed closed) {
    setup.health().closed();
    closed.replyTo().tell(Done.getInstance());
    return Behaviors.stopped();
  }

  // Whatever is outstanding is answered before the session goes: queued sends never started
  // (their jobs go back untouched); those in flight have an unknown outcome.
  private Behavior<Command> onStopping() {
    stopped.set(true);
    for (Pending p : queue) {
      p.send
          .replyTo()
          .tell(new SendOutcome.NotAttempted("provider " + setup.name() + " restarting"));
    }
    queue.clear();
    for (Pending p : inFlight) {
      p.send
          .replyTo()
          .tell(
              new SendOutcome.TransientFailure(
                  CONNECTION_LOST, "the provider session ended before it answered", null));
    }
    inFlight.clear();
    report();
    ProviderSession closing = session;
    session = null;
    if (closing != null) {
      setup.blocking().execute(closing::close);
    }
    return this;
  }

  static String describe(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof java.util.concurrent.CompletionException
            || cause instanceof ProviderUnavailableException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    return message == null || message.isBlank()
        ? cause.getClass().getSimpleName()
        : Redaction.text(message);
  }
}
