package dev.switchboard.channels.messenger;

import dev.switchboard.engine.provider.ProviderAdapter;
import dev.switchboard.engine.provider.ProviderContext;
import dev.switchboard.engine.provider.ProviderFactory;
import java.time.Clock;

/** Registers the Messenger adapter under provider type {@code messenger}. */
public final class MessengerProviderFactory implements ProviderFactory {
  @Override
  public String type() {
    return "messenger";
  }

  @Override
  public ProviderAdapter create(ProviderContext context) {
    return new MessengerProvider(
        context.name(),
        context.channel(),
        MessengerSettings.create(context.config(), context.system().settings().config()),
        Clock.systemUTC());
  }
}
