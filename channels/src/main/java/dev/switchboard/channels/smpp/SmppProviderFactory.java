package dev.switchboard.channels.smpp;

import dev.switchboard.engine.provider.ProviderAdapter;
import dev.switchboard.engine.provider.ProviderContext;
import dev.switchboard.engine.provider.ProviderFactory;
import java.time.Clock;

/** Registers the SMPP adapter under provider type {@code smpp}. */
public final class SmppProviderFactory implements ProviderFactory {
  @Override
  public String type() {
    return "smpp";
  }

  @Override
  public ProviderAdapter create(ProviderContext context) {
    return new SmppProvider(
        context.name(),
        context.channel(),
        SmppSettings.create(context.config(), context.system().settings().config()),
        Clock.systemUTC());
  }
}
