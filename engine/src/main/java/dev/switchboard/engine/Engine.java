package dev.switchboard.engine;

import dev.switchboard.engine.broker.BlockingDispatcher;
import dev.switchboard.engine.broker.BrokerConnector;
import dev.switchboard.engine.broker.BrokerMetrics;
import dev.switchboard.engine.broker.ChannelBrokerHealth;
import dev.switchboard.engine.broker.ChannelPublisher;
import dev.switchboard.engine.broker.ChannelSupervisor;
import dev.switchboard.engine.broker.DeadLetters;
import dev.switchboard.engine.broker.JobHandler;
import dev.switchboard.engine.broker.QueueWork;
import dev.switchboard.engine.broker.SiteSelector;
import dev.switchboard.engine.broker.Topology;
import dev.switchboard.engine.delivery.DeliveryMetrics;
import dev.switchboard.engine.delivery.MessageEntity;
import dev.switchboard.engine.delivery.MessageGateway;
import dev.switchboard.engine.health.ClusterHealth;
import dev.switchboard.engine.health.HealthRegistry;
import dev.switchboard.engine.health.StoppingHealth;
import dev.switchboard.engine.inbound.DurableEvents;
import dev.switchboard.engine.inbound.InboundWork;
import dev.switchboard.engine.optout.OptOuts;
import dev.switchboard.engine.outbox.JournalTail;
import dev.switchboard.engine.outbox.Outbox;
import dev.switchboard.engine.outbox.OutboxMarkers;
import dev.switchboard.engine.outbox.OutboxMetrics;
import dev.switchboard.engine.outbox.OutboxRelay;
import dev.switchboard.engine.outbox.OutboxState;
import dev.switchboard.engine.persistence.JournalProbe;
import dev.switchboard.engine.persistence.ProviderStateTable;
import dev.switchboard.engine.persistence.SqlStore;
import dev.switchboard.engine.provider.ChannelRoute;
import dev.switchboard.engine.provider.ProviderEndpoints;
import dev.switchboard.engine.provider.ProviderRegistry;
import dev.switchboard.engine.receipt.ReceiptIndex;
import dev.switchboard.engine.receipt.ReceiptWork;
import dev.switchboard.engine.reconcile.Reconciler;
import dev.switchboard.engine.webhook.CustomerEvents;
import dev.switchboard.engine.webhook.WebhookAccount;
import dev.switchboard.engine.webhook.Webhooks;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;

/**
 * Wires the engine into an actor system: joins the cluster, starts sharding of message entities,
 * spawns one broker supervisor per channel (consuming its outbound, receipts and inbound queues)
 * and one runtime per provider instance, and the reconciler. It only wires; the work is done by the
 * pieces it starts.
 */
public final class Engine {
  private final EngineSettings settings;
  // While the journal is down no job can be recorded: consumers leave them in the broker.
  private static final String JOURNAL_DOWN = "the journal is down";

  private final MessageGateway gateway;
  private final HealthRegistry health;
  private final Webhooks webhooks;
  private final ProviderEndpoints endpoints;
  private final OptOuts optOuts;

  private Engine(
      EngineSettings settings,
      MessageGateway gateway,
      HealthRegistry health,
      Webhooks webhooks,
      ProviderEndpoints endpoints,
      OptOuts optOuts) {
    this.settings = settings;
    this.gateway = gateway;
    this.health = health;
    this.webhooks = webhooks;
    this.endpoints = endpoints;
    this.optOuts = optOuts;
  }

  /** An engine whose accounts take no webhooks (events for them are dead-lettered). */
  public static Engine start(ActorContext<?> ctx, EngineSettings settings, MeterRegistry meters)
      throws java.sql.SQLException {
    return start(ctx, settings, meters, List.of());
  }

  /**
   * @param accounts every account's webhook target and secret
   */
  public static Engine start(
      ActorContext<?> ctx,
      EngineSettings settings,
      MeterRegistry meters,
      List<WebhookAccount> accounts)
      throws java.sql.SQLException {
    ActorSystem<?> system = ctx.getSystem();
    Clock clock = Clock.systemUTC();
    Cluster cluster = Cluster.get(system);
    if (system.settings().config().getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      // A single node is a cluster of one: join ourselves at once.
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    Executor blocking = BlockingDispatcher.executor(system, settings.broker());
    // The database has threads of its own: its waits never hold the broker's.
    Executor database =
        system
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig(settings.db().blockingDispatcher()));
    SqlStore sql = SqlStore.open(settings.db(), settings.db().poolSize(), database);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "close-sql-store",
            () -> {
              sql.close();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    ReceiptIndex index = ReceiptIndex.create(sql, clock, settings.providers().recentIds());
    ProviderStateTable providerState = ProviderStateTable.create(sql, clock);
    OutboxMarkers outboxMarkers = OutboxMarkers.create(sql);
    Map<String, OutboxMarkers.Marker> resume = outboxMarkers.load();
    JournalTail journalTail = JournalTail.create(sql, system, meters);
    OptOuts optOuts = OptOuts.start(sql, settings.optOuts(), meters, clock);
    system
        .scheduler()
        .scheduleWithFixedDelay(
            settings.optOuts().refreshInterval(),
            settings.optOuts().refreshInterval(),
            optOuts::refresh,
            system.executionContext());

    ClusterSharding sharding = ClusterSharding.get(system);
    HealthRegistry health = new HealthRegistry();
    // Customer webhooks: message status changes and inbound messages are handed to them.
    Webhooks webhooks =
        Webhooks.start(system, settings.webhooks(), settings.db(), accounts, meters, clock);
    health.register(webhooks.health());
    CustomerEvents events = webhooks;
    // The consumers' gates read the providers' state, and the providers publish through the
    // channels' publishers: the registry is filled in once both exist.
    AtomicReference<ProviderRegistry> providers = new AtomicReference<>();
    BrokerConnector connector = new BrokerConnector(settings.broker());
    Map<String, MessageGateway.ChannelRoute> routes = new LinkedHashMap<>();
    Map<String, ActorRef<ChannelPublisher.Command>> publishers = new LinkedHashMap<>();
    ReceiptWork receipts =
        new ReceiptWork(
            sharding,
            index,
            settings.providers().receiptCorrelationWindow(),
            settings.delivery().askTimeout(),
            system.executionContext(),
            meters);
    InboundWork inbound = new InboundWork(events, optOuts);
    JournalProbe journal = new JournalProbe(settings.db(), journalPool(system), database, clock);
    health.register(journal);
    journal.probe();
    system
        .scheduler()
        .scheduleWithFixedDelay(
            settings.db().probeInterval(),
            settings.db().probeInterval(),
            journal::probe,
            system.executionContext());
    DeadLetters deadLetters = new DeadLetters(meters);
    for (ChannelSettings channel : settings.channels()) {
      ChannelBrokerHealth brokerHealth =
          ChannelBrokerHealth.create(
              channel.name(), SiteSelector.create(settings.broker(), clock), clock);
      health.register(brokerHealth);
      BrokerMetrics.register(meters, channel.name(), brokerHealth);
      List<QueueWork<?>> works =
          List.of(
              QueueWork.gated(
                  QueueWork.outbound(
                      jobs(sharding, settings, system),
                      () -> canSend(providers.get(), channel.name())),
                  journal::up,
                  JOURNAL_DOWN),
              QueueWork.gated(receipts, journal::up, JOURNAL_DOWN),
              QueueWork.gated(inbound, journal::up, JOURNAL_DOWN));
      ActorRef<ChannelPublisher.Command> supervisor =
          ctx.spawn(
              ChannelSupervisor.create(
                  new ChannelSupervisor.Setup(
                      new Topology(channel.name(), settings.broker().deliveryLimit()),
                      settings.broker(),
                      connector,
                      brokerHealth,
                      works,
                      meters,
                      deadLetters)),
              "channel-" + channel.name());
      OutboxState outboxState =
          new OutboxState(channel.name(), settings.outbox().maxDepth(), clock);
      health.register(outboxState);
      ActorRef<OutboxRelay.Command> relay =
          ctx.spawn(
              OutboxRelay.create(
                  new OutboxRelay.Setup(
                      channel.name(),
                      supervisor,
                      brokerHealth.publisher(),
                      journalTail,
                      outboxMarkers,
                      settings.outbox(),
                      settings.delivery().publishTimeout(),
                      outboxState,
                      OutboxMetrics.register(meters, channel.name(), outboxState)),
                  resume.get(channel.name())),
              "outbox-" + channel.name());
      routes.put(
          channel.name(),
          new MessageGateway.ChannelRoute(
              supervisor, brokerHealth.publisher(), new Outbox(relay, outboxState)));
      publishers.put(channel.name(), supervisor);
    }

    providers.set(
        ProviderRegistry.start(
            ctx,
            settings.channels(),
            new ProviderRegistry.Wiring(
                settings.providers(),
                new DurableEvents(
                    Map.copyOf(publishers),
                    settings.delivery().publishTimeout(),
                    system.scheduler(),
                    system.executionContext()),
                index,
                health,
                meters,
                clock,
                blocking,
                settings.delivery().providerTimeout(),
                providerState)));
    MessageEntity.Dependencies deps =
        new MessageEntity.Dependencies(
            providers.get().guardedBy(optOuts::guard),
            settings.delivery(),
            new DeliveryMetrics(meters),
            events,
            clock);
    sharding.init(Entity.of(MessageEntity.TYPE_KEY, entity -> MessageEntity.create(entity, deps)));

    health.register(new ClusterHealth(cluster));
    health.register(new StoppingHealth(CoordinatedShutdown.get(system)));

    if (settings.reconciler().enabled()) {
      ctx.spawn(
          Behaviors.supervise(
                  Reconciler.create(
                      new Reconciler.Wiring(
                          settings.reconciler(),
                          settings.delivery().longestBackoff(),
                          settings.delivery().publishTimeout(),
                          sql,
                          sharding,
                          Map.copyOf(routes),
                          channel -> canSend(providers.get(), channel),
                          system.scheduler(),
                          system.executionContext(),
                          clock),
                      health,
                      meters))
              .onFailure(
                  SupervisorStrategy.restartWithBackoff(
                      settings.reconciler().interval(),
                      settings.reconciler().interval().multipliedBy(4),
                      0.2)),
          "reconciler");
    }

    MessageGateway gateway =
        new MessageGateway(
            sharding,
            system.scheduler(),
            system.executionContext(),
            settings.delivery(),
            routes,
            journal::up);
    return new Engine(settings, gateway, health, webhooks, providers.get().endpoints(), optOuts);
  }

  // A job goes to its message's entity; the consumer acks it when the entity is done with it, and
  // hands it back when no provider could take it.
  private static JobHandler jobs(
      ClusterSharding sharding, EngineSettings settings, ActorSystem<?> system) {
    return (message, redelivered) ->
        Continuations.on(
                sharding
                    .entityRefFor(MessageEntity.TYPE_KEY, message.id())
                    .<MessageEntity.JobDone>ask(
                        replyTo -> new MessageEntity.Deliver(message, redelivered, replyTo),
                        settings.delivery().jobTimeout()),
                system.executionContext())
            .thenApply(
                done -> {
                  if (done.handedBack()) {
                    throw new QueueWork.NotNow("no provider could take it now");
                  }
                  return done;
                });
  }

  // The connections the journal plugin's entities use (one shared pool per database name).
  private static JournalProbe.Connections journalPool(ActorSystem<?> system) {
    SlickExtensionImpl slick = (SlickExtensionImpl) SlickExtension.get(Adapter.toClassic(system));
    SlickDatabase journal = slick.database(system.settings().config().getConfig("jdbc-journal"));
    return () -> journal.database().source().createConnection();
  }

  // A channel this node serves through no provider keeps consuming: its jobs fail at once.
  private static boolean canSend(ProviderRegistry providers, String channel) {
    return providers == null || providers.route(channel).map(ChannelRoute::available).orElse(true);
  }

  public MessageGateway gateway() {
    return gateway;
  }

  public HealthRegistry health() {
    return health;
  }

  /** Customer webhooks: the {@link dev.switchboard.engine.webhook.CustomerEvents} to call. */
  public Webhooks webhooks() {
    return webhooks;
  }

  /** What providers' peers call over HTTP (status callbacks, inbound messages, handshakes). */
  public ProviderEndpoints endpoints() {
    return endpoints;
  }

  /** Recipients who opted out, per account and channel. */
  public OptOuts optOuts() {
    return optOuts;
  }

  public List<ChannelSettings> channels() {
    return settings.channels();
  }
}
