package dev.switchboard.engine.webhook;

import dev.switchboard.engine.delivery.MessageView;
import dev.switchboard.engine.health.HealthComponent;
import dev.switchboard.engine.persistence.DatabaseSettings;
import dev.switchboard.engine.persistence.SqlStore;
import dev.switchboard.engine.provider.InboundMessage;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Customer webhooks, wired: the outbox on the journal's database, the dispatcher that sends from
 * it, the health component and metrics. The engine hands it events ({@link CustomerEvents}); the
 * API lists and redelivers dead-lettered ones.
 */
public final class Webhooks implements CustomerEvents, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
  // Bounded, so one sample never holds the table long; a backlog goes over several samples.
  private static final int PURGE_BATCH = 1000;

  private final Outbox outbox;
  private final SqlStore store;
  private final Map<String, WebhookAccount> accounts;
  private final ActorRef<WebhookDispatcher.Command> dispatcher;
  private final WebhookHealth health;
  private final WebhookMetrics metrics;
  private final Cancellable sampler;
  private final Clock clock;

  private Webhooks(
      Outbox outbox,
      SqlStore store,
      Map<String, WebhookAccount> accounts,
      ActorRef<WebhookDispatcher.Command> dispatcher,
      WebhookHealth health,
      WebhookMetrics metrics,
      Cancellable sampler,
      Clock clock) {
    this.outbox = outbox;
    this.store = store;
    this.accounts = accounts;
    this.dispatcher = dispatcher;
    this.health = health;
    this.metrics = metrics;
    this.sampler = sampler;
    this.clock = clock;
  }

  /**
   * Starts the dispatcher (a system actor, so tests can start several) on {@code db}'s database and
   * closes it all on coordinated shutdown.
   */
  public static Webhooks start(
      ActorSystem<?> system,
      WebhookSettings settings,
      DatabaseSettings db,
      List<WebhookAccount> accounts,
      MeterRegistry meters,
      Clock clock) {
    return start(system, settings, db, accounts, meters, clock, new SplittableRandom());
  }

  /** As above, with the backoff's jitter drawn from {@code jitter} (tests pin it). */
  static Webhooks start(
      ActorSystem<?> system,
      WebhookSettings settings,
      DatabaseSettings db,
      List<WebhookAccount> accounts,
      MeterRegistry meters,
      Clock clock,
      RandomGenerator jitter) {
    Map<String, WebhookAccount> byId =
        accounts.stream()
            .collect(Collectors.toUnmodifiableMap(WebhookAccount::id, Function.identity()));
    TargetPolicy policy = settings.policy();
    for (WebhookAccount account : accounts) {
      Optional<String> refused =
          account.inboundUrl() == null ? Optional.empty() : policy.checkUrl(account.inboundUrl());
      refused.ifPresent(
          reason ->
              LOG.warn(
                  "inbound URL refused: account={} inboundUrl={} reason={} (its inbound events"
                      + " are dead-lettered)",
                  account.id(),
                  account.inboundUrl(),
                  reason));
      if (account.inboundUrl() != null && account.secret() == null) {
        LOG.warn(
            "webhook secret missing: account={} inboundUrl={} (its events are dead-lettered, never"
                + " sent unsigned)",
            account.id(),
            account.inboundUrl());
      }
    }
    Executor blocking =
        system.dispatchers().lookup(DispatcherSelector.fromConfig(settings.blockingDispatcher()));
    SqlStore store = SqlStore.open(db, settings.poolSize(), blocking);
    Outbox outbox = new Outbox(store);
    WebhookHealth health = new WebhookHealth(clock);
    WebhookMetrics metrics = new WebhookMetrics(meters, health);
    String owner = "wh-" + UUID.randomUUID();
    WebhookDispatcher.Setup setup =
        new WebhookDispatcher.Setup(
            owner,
            settings,
            outbox,
            new WebhookSender(settings, byId, blocking, clock),
            metrics,
            health,
            clock,
            jitter);
    ActorRef<WebhookDispatcher.Command> dispatcher =
        system.systemActorOf(
            Behaviors.supervise(WebhookDispatcher.create(setup))
                .onFailure(
                    SupervisorStrategy.restartWithBackoff(
                        Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2)),
            "webhook-dispatcher-" + owner,
            Props.empty());
    Cancellable sampler =
        system
            .scheduler()
            .scheduleWithFixedDelay(
                Duration.ZERO,
                settings.sampleInterval(),
                () -> sample(outbox, health, metrics, settings, clock),
                system.executionContext());
    Webhooks webhooks =
        new Webhooks(outbox, store, byId, dispatcher, health, metrics, sampler, clock);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "close-webhooks-" + owner,
            () -> {
              webhooks.close();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    return webhooks;
  }

  private static void sample(
      Outbox outbox,
      WebhookHealth health,
      WebhookMetrics metrics,
      WebhookSettings settings,
      Clock clock) {
    outbox
        .stats()
        .whenComplete(
            (stats, error) -> {
              if (error != null) {
                metrics.storeError("sample");
              }
              health.sampled(stats, error == null ? null : describe(error));
            });
    outbox
        .purgeDelivered(clock.instant().minus(settings.deliveredRetention()), PURGE_BATCH)
        .whenComplete(
            (deleted, error) -> {
              if (error != null) {
                metrics.storeError("purge");
              }
            });
  }

  @Override
  public CompletionStage<Void> statusChanged(MessageView message) {
    if (message.message().callbackUrl() == null || message.history().isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return enqueue(WebhookEvent.status(message));
  }

  @Override
  public CompletionStage<Void> inbound(InboundMessage message) {
    WebhookAccount account = accounts.get(message.account());
    if (account == null || account.inboundUrl() == null) {
      metrics.dropped(WebhookEvent.INBOUND, "no_inbound_url");
      LOG.warn(
          "inbound message not forwarded, account has no inbound URL: account={} inbound={}"
              + " channel={}",
          message.account(),
          message.id(),
          message.channel());
      return CompletableFuture.completedFuture(null);
    }
    return enqueue(WebhookEvent.inbound(message, account.inboundUrl()));
  }

  private CompletionStage<Void> enqueue(WebhookEvent event) {
    return outbox
        .enqueue(event, clock.instant())
        .handle(
            (created, error) -> {
              if (error != null) {
                metrics.storeError("enqueue");
                LOG.error(
                    "webhook event not queued: event={} account={} cause={}",
                    event.id(),
                    event.account(),
                    describe(error));
                throw new IllegalStateException(
                    "webhook event " + event.id() + " not queued", error);
              }
              if (created) {
                dispatcher.tell(WebhookDispatcher.Wake.INSTANCE);
              }
              return null;
            });
  }

  /** A page of {@code account}'s dead-lettered events, newest first. */
  public CompletionStage<FailedPage> failed(
      String account, int limit, Optional<FailedPage.Cursor> cursor) {
    return outbox.failed(account, limit, cursor);
  }

  /**
   * Puts {@code account}'s dead-lettered event {@code id} back to pending with a fresh attempt
   * budget: the event as it was when dead, or empty when the account has no such dead event.
   */
  public CompletionStage<Optional<OutboxRow>> redeliver(String account, String id) {
    return outbox
        .redeliver(account, id, clock.instant())
        .thenApply(
            row -> {
              row.ifPresent(
                  r -> {
                    LOG.info("webhook redelivery asked: event={} account={}", id, account);
                    dispatcher.tell(WebhookDispatcher.Wake.INSTANCE);
                  });
              return row;
            });
  }

  public HealthComponent health() {
    return health;
  }

  /** The table, for tests and tools. */
  public Outbox outbox() {
    return outbox;
  }

  /** Stops the dispatcher and the sampler and closes the pool; the table keeps every event. */
  @Override
  public void close() {
    sampler.cancel();
    dispatcher.tell(WebhookDispatcher.Stop.INSTANCE);
    store.close();
  }

  private static String describe(Throwable error) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}
