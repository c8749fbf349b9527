package dev.switchboard.engine;

import dev.switchboard.engine.broker.BlockingDispatcher;
import dev.switchboard.engine.broker.BrokerConnector;
import dev.switchboard.engine.broker.BrokerMetrics;
import dev.switchboard.engine.broker.ChannelBrokerHealth;
import dev.switchboard.engine.broker.ChannelPublisher;
import dev.switchboard.engine.broker.ChannelSupervisor;
import dev.switchboard.engine.broker.JobHandler;
import dev.switchboard.engine.broker.SiteSelector;
import dev.switchboard.engine.broker.Topology;
import dev.switchboard.engine.delivery.DeliveryMetrics;
import dev.switchboard.engine.delivery.MessageEntity;
import dev.switchboard.engine.delivery.MessageGateway;
import dev.switchboard.engine.health.ClusterHealth;
import dev.switchboard.engine.health.HealthRegistry;
import dev.switchboard.engine.persistence.JournalProbe;
import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.provider.ProviderEvents;
import dev.switchboard.engine.provider.ProviderRegistry;
import dev.switchboard.engine.webhook.WebhookAccount;
import dev.switchboard.engine.webhook.Webhooks;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * Wires the engine into an actor system: joins the cluster, starts sharding of message entities,
 * creates the channel providers, and spawns one broker supervisor per channel. It only wires; the
 * work is done by the pieces it starts.
 */
public final class Engine {
  private final EngineSettings settings;
  private final MessageGateway gateway;
  private final HealthRegistry health;
  private final Webhooks webhooks;

  private Engine(
      EngineSettings settings, MessageGateway gateway, HealthRegistry health, Webhooks webhooks) {
    this.settings = settings;
    this.gateway = gateway;
    this.health = health;
    this.webhooks = webhooks;
  }

  /** An engine whose accounts take no webhooks (events for them are dead-lettered). */
  public static Engine start(ActorContext<?> ctx, EngineSettings settings, MeterRegistry meters) {
    return start(ctx, settings, meters, List.of());
  }

  /**
   * @param accounts every account's webhook target and secret
   */
  public static Engine start(
      ActorContext<?> ctx,
      EngineSettings settings,
      MeterRegistry meters,
      List<WebhookAccount> accounts) {
    ActorSystem<?> system = ctx.getSystem();
    Clock clock = Clock.systemUTC();
    Cluster cluster = Cluster.get(system);
    if (system.settings().config().getStringList("pekko.cluster.seed-nodes").isEmpty()) {
      // A single node is a cluster of one: join ourselves at once.
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }

    ClusterSharding sharding = ClusterSharding.get(system);
    ProviderEvents receipts =
        new ProviderEvents() {
          @Override
          public CompletionStage<Void> receipt(DeliveryReceipt receipt) {
            sharding
                .entityRefFor(MessageEntity.TYPE_KEY, receipt.messageId())
                .tell(new MessageEntity.RecordReceipt(receipt));
            return CompletableFuture.completedFuture(null);
          }

          @Override
          public CompletionStage<Void> inbound(InboundMessage message) {
            return CompletableFuture.failedFuture(new IllegalStateException("no inbound yet"));
          }

          @Override
          public void sessionLost(String cause) {}
        };
    ProviderRegistry providers = ProviderRegistry.create(system, settings.channels(), receipts);
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "close-providers",
            () -> {
              providers.close();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    MessageEntity.Dependencies deps =
        new MessageEntity.Dependencies(
            providers, settings.delivery(), new DeliveryMetrics(meters), clock);
    sharding.init(Entity.of(MessageEntity.TYPE_KEY, entity -> MessageEntity.create(entity, deps)));

    HealthRegistry health = new HealthRegistry();
    BrokerConnector connector = new BrokerConnector(settings.broker());
    Map<String, MessageGateway.ChannelRoute> routes = new LinkedHashMap<>();
    for (ChannelSettings channel : settings.channels()) {
      ChannelBrokerHealth brokerHealth =
          ChannelBrokerHealth.create(
              channel.name(), SiteSelector.create(settings.broker(), clock), clock);
      health.register(brokerHealth);
      BrokerMetrics.register(meters, channel.name(), brokerHealth);
      JobHandler handler =
          (message, redelivered) ->
              Continuations.on(
                  sharding
                      .entityRefFor(MessageEntity.TYPE_KEY, message.id())
                      .<MessageEntity.JobDone>ask(
                          replyTo -> new MessageEntity.Deliver(message, redelivered, replyTo),
                          settings.delivery().jobTimeout()),
                  system.executionContext());
      ActorRef<ChannelPublisher.Command> supervisor =
          ctx.spawn(
              ChannelSupervisor.create(
                  new ChannelSupervisor.Setup(
                      new Topology(channel.name(), settings.broker().deliveryLimit()),
                      settings.broker(),
                      connector,
                      brokerHealth,
                      handler,
                      meters)),
              "channel-" + channel.name());
      routes.put(
          channel.name(), new MessageGateway.ChannelRoute(supervisor, brokerHealth.publisher()));
    }

    JournalProbe journal =
        new JournalProbe(
            settings.db(), BlockingDispatcher.executor(system, settings.broker()), clock);
    health.register(journal);
    journal.probe();
    system
        .scheduler()
        .scheduleWithFixedDelay(
            settings.db().probeInterval(),
            settings.db().probeInterval(),
            journal::probe,
            system.executionContext());
    health.register(new ClusterHealth(cluster));

    // Customer webhooks: message status changes and inbound messages are handed to it.
    Webhooks webhooks =
        Webhooks.start(system, settings.webhooks(), settings.db(), accounts, meters, clock);
    health.register(webhooks.health());

    MessageGateway gateway =
        new MessageGateway(
            sharding, system.scheduler(), system.executionContext(), settings.delivery(), routes);
    return new Engine(settings, gateway, health, webhooks);
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

  public List<ChannelSettings> channels() {
    return settings.channels();
  }
}
