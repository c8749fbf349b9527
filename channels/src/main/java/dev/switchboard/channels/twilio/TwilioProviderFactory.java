package dev.switchboard.channels.twilio;

import dev.switchboard.engine.provider.ProviderAdapter;
import dev.switchboard.engine.provider.ProviderContext;
import dev.switchboard.engine.provider.ProviderFactory;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registers the Twilio adapter under provider type {@code twilio}. */
public final class TwilioProviderFactory implements ProviderFactory {
  private static final Logger log = LoggerFactory.getLogger(TwilioProviderFactory.class);

  @Override
  public String type() {
    return "twilio";
  }

  @Override
  public ProviderAdapter create(ProviderContext context) {
    TwilioSettings settings =
        TwilioSettings.create(
            context.config(), context.system().settings().config(), context.channel());
    if (settings.statusCallback().isEmpty()) {
      log.warn(
          "twilio sends without a StatusCallback, so no delivery receipts come back and messages"
              + " stay sent until their receipt window closes: channel={} provider={}; set"
              + " switchboard.http.public-url (SWITCHBOARD_PUBLIC_URL) or the instance's"
              + " status-callback",
          context.channel(),
          context.name());
    }
    return new TwilioProvider(context.name(), context.channel(), settings, Clock.systemUTC());
  }
}
