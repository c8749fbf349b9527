package dev.switchboard.engine.broker;

import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;

/**
 * The dispatcher for the RabbitMQ client's blocking calls (connect, declare, publish, ack, close):
 * never the default dispatcher.
 */
public final class BlockingDispatcher {
  private BlockingDispatcher() {}

  public static Props props(BrokerSettings settings) {
    return DispatcherSelector.fromConfig(settings.blockingDispatcher());
  }

  public static Executor executor(ActorSystem<?> system, BrokerSettings settings) {
    return system
        .dispatchers()
        .lookup(DispatcherSelector.fromConfig(settings.blockingDispatcher()));
  }
}
