package dev.switchboard.channels.twitter;

import com.typesafe.config.Config;
import dev.switchboard.engine.provider.ProviderAdapter;
import dev.switchboard.engine.provider.ProviderContext;
import dev.switchboard.engine.provider.ProviderFactory;
import java.time.Clock;
import java.time.Duration;

/** Registers the X direct-message adapter under provider type {@code twitter}. */
public final class XProviderFactory implements ProviderFactory {
  @Override
  public String type() {
    return "twitter";
  }

  @Override
  public ProviderAdapter create(ProviderContext context) {
    Config root = context.system().settings().config();
    Duration open = root.getDuration("switchboard.engine.provider-runtime.open-timeout");
    return new XProvider(
        context.name(),
        context.channel(),
        XSettings.create(context.config(), root),
        context.state(),
        // A renewal must finish within the runtime's own bound on opening a session.
        open.minus(open.dividedBy(5)),
        Clock.systemUTC());
  }
}
