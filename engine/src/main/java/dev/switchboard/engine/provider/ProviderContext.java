package dev.switchboard.engine.provider;

import com.typesafe.config.Config;
import dev.switchboard.engine.message.ChannelKind;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What the engine gives a provider adapter when it creates it.
 *
 * @param name the provider instance's name, unique on the node ({@code smpp}, {@code smpp-2}, ...);
 *     it names the instance in health, metrics and the receipt index
 * @param channel the channel the instance serves ({@code sms}, {@code sandbox}, ...)
 * @param config the instance's block of settings, over its type's defaults
 * @param system for the scheduler and the provider's own dispatchers
 * @param state where the instance keeps what must outlive a restart (a rotated OAuth token)
 */
public record ProviderContext(
    String name,
    String channel,
    ChannelKind kind,
    Config config,
    ActorSystem<?> system,
    ProviderState state) {

  /** A context whose state lives in this JVM only. */
  public ProviderContext(
      String name, String channel, ChannelKind kind, Config config, ActorSystem<?> system) {
    this(name, channel, kind, config, system, ProviderState.inMemory());
  }
}
