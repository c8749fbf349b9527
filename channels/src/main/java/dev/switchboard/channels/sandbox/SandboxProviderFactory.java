package dev.switchboard.channels.sandbox;

import dev.switchboard.engine.provider.ProviderAdapter;
import dev.switchboard.engine.provider.ProviderContext;
import dev.switchboard.engine.provider.ProviderFactory;
import java.time.Clock;

/** Registers the sandbox under provider type {@code sandbox}. */
public final class SandboxProviderFactory implements ProviderFactory {
  @Override
  public String type() {
    return "sandbox";
  }

  @Override
  public ProviderAdapter create(ProviderContext context) {
    return new SandboxProvider(
        context.name(),
        SandboxSettings.create(context.config(), context.system().settings().config()),
        context.system().scheduler(),
        context.system().executionContext(),
        Clock.systemUTC());
  }
}
