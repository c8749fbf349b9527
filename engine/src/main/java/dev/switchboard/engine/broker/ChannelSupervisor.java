package dev.switchboard.engine.broker;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One channel's broker supervisor: spawns the publisher (on the active site) and one consumer per
 * site, each on its own connection and each restarted with backoff (jitter, cap) whenever it fails,
 * and forwards publishes to the publisher. A fault in one channel's connections never reaches
 * another channel's supervisor.
 */
public final class ChannelSupervisor {
  private ChannelSupervisor() {}

  /** Everything one channel's connections need. */
  public record Setup(
      Topology topology,
      BrokerSettings settings,
      BrokerConnector connector,
      ChannelBrokerHealth health,
      List<QueueWork<?>> works,
      MeterRegistry meters,
      DeadLetters deadLetters) {}

  public static Behavior<ChannelPublisher.Command> create(Setup setup) {
    return Behaviors.setup(
        ctx -> {
          BrokerSettings settings = setup.settings();
          ChannelBrokerHealth health = setup.health();
          Map<String, ConnectionHealth> consumers = health.consumers();
          ActorRef<ChannelPublisher.Command> publisher =
              ctx.spawn(
                  restarting(
                      ChannelPublisher.create(
                          new ChannelPublisher.Setup(
                              setup.topology(),
                              settings,
                              setup.connector(),
                              health.publisher(),
                              health.sites(),
                              consumers.get(health.sites().first().name()),
                              new PublisherMetrics(setup.meters(), setup.topology().channel()))),
                      settings),
                  "publisher",
                  BlockingDispatcher.props(settings));
          for (Site site : health.sites().sites()) {
            ctx.spawn(
                restarting(
                    ChannelConsumer.create(
                        new ChannelConsumer.Setup(
                            setup.topology(),
                            site,
                            settings,
                            setup.connector(),
                            consumers.get(site.name()),
                            new ConsumerMetrics(
                                setup.meters(),
                                setup.topology().channel(),
                                site.name(),
                                setup.deadLetters())),
                        setup.works()),
                    settings),
                "consumer-" + site.name(),
                BlockingDispatcher.props(settings));
          }
          return Behaviors.receiveMessage(
              command -> {
                publisher.tell(command);
                return Behaviors.same();
              });
        });
  }

  private static <T> Behavior<T> restarting(Behavior<T> behavior, BrokerSettings settings) {
    return Behaviors.supervise(behavior)
        .onFailure(
            Exception.class,
            SupervisorStrategy.restartWithBackoff(
                    settings.restartMinBackoff(),
                    settings.restartMaxBackoff(),
                    settings.restartRandomFactor())
                .withResetBackoffAfter(settings.restartMaxBackoff().multipliedBy(3))
                // The failing actor logged its cause once already, with its context.
                .withLoggingEnabled(false));
  }
}
