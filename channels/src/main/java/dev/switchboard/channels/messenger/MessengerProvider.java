package dev.switchboard.channels.messenger;

import dev.switchboard.engine.provider.ProviderAdapter;
import dev.switchboard.engine.provider.ProviderEndpoint;
import dev.switchboard.engine.provider.ProviderEvents;
import dev.switchboard.engine.provider.ProviderLimits;
import dev.switchboard.engine.provider.ProviderSession;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Messenger provider instance: one Page, its token and its webhook. Sessions ({@link
 * MessengerSession}) share the instance's HTTP client and its memory of recent sends with the
 * webhook ({@link MessengerWebhook}), which is how a read event finds the messages it covers.
 */
public final class MessengerProvider implements ProviderAdapter {
  private static final Logger log = LoggerFactory.getLogger(MessengerProvider.class);

  private final String name;
  private final String channel;
  private final MessengerSettings settings;
  private final Clock clock;
  private final HttpClient http;
  private final RecentSends recent;

  public MessengerProvider(String name, String channel, MessengerSettings settings, Clock clock) {
    this.name = name;
    this.channel = channel;
    this.settings = settings;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(settings.requestTimeout()).build();
    this.recent = new RecentSends(settings.watermarkMemory());
    if (settings.appSecret().isEmpty()) {
      log.warn(
          "messenger instance has no app secret: channel={} provider={}: its webhook refuses"
              + " every event (401); receipts and inbound messages will not arrive",
          channel,
          name);
    }
  }

  public MessengerSettings settings() {
    return settings;
  }

  /** {@code {base-url}/{graph-version}}. */
  @Override
  public String peer() {
    return settings.peer();
  }

  /**
   * Checks the Page access token; blocks up to the request timeout.
   *
   * @throws MessengerUnavailableException when the Graph API cannot be reached or refuses the token
   */
  @Override
  public ProviderSession open(ProviderEvents events) throws Exception {
    return MessengerSession.open(name, settings, http, events, recent, clock);
  }

  @Override
  public ProviderLimits limits() {
    return new ProviderLimits(settings.window(), settings.tps());
  }

  @Override
  public Optional<ProviderEndpoint> endpoint(ProviderEvents events) {
    return Optional.of(new MessengerWebhook(channel, name, settings, events, recent, clock));
  }
}
