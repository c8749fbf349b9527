package dev.switchboard.channels.twitter;

import dev.switchboard.engine.provider.ProviderAdapter;
import dev.switchboard.engine.provider.ProviderEndpoint;
import dev.switchboard.engine.provider.ProviderEvents;
import dev.switchboard.engine.provider.ProviderLimits;
import dev.switchboard.engine.provider.ProviderSession;
import dev.switchboard.engine.provider.ProviderState;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * An X direct-message instance: one user's OAuth 2.0 token sending DMs over the v2 API, and the
 * webhook X calls with the DMs that user receives. The token and what X said about its limits are
 * the instance's, so they outlive sessions: a session is only lost when no token X takes can be
 * had, and opening one renews it.
 */
public final class XProvider implements ProviderAdapter {
  private final String name;
  private final String channel;
  private final XSettings settings;
  private final Clock clock;
  private final HttpClient http;
  private final XTokens tokens;
  private final XRateLimits limits;
  private final Duration openTimeout;

  /**
   * @param state where a renewed token pair is kept (the journal's database)
   * @param openTimeout how long opening a session may wait for a token renewal
   */
  public XProvider(
      String name,
      String channel,
      XSettings settings,
      ProviderState state,
      Duration openTimeout,
      Clock clock) {
    this.name = name;
    this.channel = channel;
    this.settings = settings;
    this.clock = clock;
    this.openTimeout = openTimeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.tokens = new XTokens(name, settings, http, state, clock);
    this.limits = new XRateLimits(settings.rateLimitMargin());
  }

  public XSettings settings() {
    return settings;
  }

  @Override
  public String peer() {
    return settings.peer();
  }

  /**
   * Loads the token pair and renews it when it is known to be stale (blocking, within the open
   * timeout).
   *
   * @throws XAuthException when no token X takes can be had: the instance stays down, with why
   */
  @Override
  public ProviderSession open(ProviderEvents events) throws XAuthException {
    tokens.ready(openTimeout);
    return new XSession(name, settings, http, tokens, limits, events, clock);
  }

  @Override
  public ProviderLimits limits() {
    return new ProviderLimits(settings.window(), settings.tps());
  }

  /** The webhook, when a consumer secret is set to check X's signatures with. */
  @Override
  public Optional<ProviderEndpoint> endpoint(ProviderEvents events) {
    if (settings.consumerSecret().isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new XWebhook(name, channel, settings, events, clock));
  }
}
