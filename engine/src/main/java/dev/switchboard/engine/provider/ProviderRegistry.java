package dev.switchboard.engine.provider;

import dev.switchboard.engine.ChannelSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;

/** The providers of the enabled channels, created once at start and closed at shutdown. */
public final class ProviderRegistry implements AutoCloseable {
  private final Map<String, ChannelProvider> byChannel;

  private ProviderRegistry(Map<String, ChannelProvider> byChannel) {
    this.byChannel = byChannel;
  }

  /** Creates one provider per channel from the factories found on the class path. */
  public static ProviderRegistry create(
      ActorSystem<?> system, List<ChannelSettings> channels, ProviderEvents events) {
    Map<String, ProviderFactory> factories =
        ServiceLoader.load(ProviderFactory.class).stream()
            .map(ServiceLoader.Provider::get)
            .collect(Collectors.toMap(ProviderFactory::type, Function.identity()));
    Map<String, ChannelProvider> providers = new LinkedHashMap<>();
    for (ChannelSettings channel : channels) {
      ProviderFactory factory = factories.get(channel.provider());
      if (factory == null) {
        throw new IllegalArgumentException(
            "channel "
                + channel.name()
                + " names provider '"
                + channel.provider()
                + "', but only "
                + factories.keySet()
                + " are on the class path");
      }
      ProviderAdapter adapter =
          factory.create(
              new ProviderContext(
                  channel.provider(), channel.name(), channel.kind(), channel.config(), system));
      try {
        ProviderSession session = adapter.open(events);
        providers.put(
            channel.name(),
            new ChannelProvider() {
              @Override
              public java.util.concurrent.CompletionStage<SendOutcome> send(
                  dev.switchboard.engine.message.OutboundMessage message, int attempt) {
                return session.send(message, attempt);
              }

              @Override
              public void close() {
                session.close();
              }
            });
      } catch (Exception e) {
        throw new IllegalStateException("provider " + channel.provider() + " did not open", e);
      }
    }
    return new ProviderRegistry(Map.copyOf(providers));
  }

  /** A registry of given providers, for tests and embedders. */
  public static ProviderRegistry of(Map<String, ChannelProvider> providers) {
    return new ProviderRegistry(Map.copyOf(providers));
  }

  /** The provider serving {@code channel} on this node, if it serves it. */
  public Optional<ChannelProvider> find(String channel) {
    return Optional.ofNullable(byChannel.get(channel));
  }

  public ChannelProvider forChannel(String channel) {
    ChannelProvider provider = byChannel.get(channel);
    if (provider == null) {
      throw new IllegalArgumentException("no provider for channel " + channel);
    }
    return provider;
  }

  @Override
  public void close() {
    byChannel.values().forEach(ChannelProvider::close);
  }
}
