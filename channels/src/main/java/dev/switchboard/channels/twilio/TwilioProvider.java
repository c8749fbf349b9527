package dev.switchboard.channels.twilio;

import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.message.SmsEncoding;
import dev.switchboard.engine.provider.ProviderAdapter;
import dev.switchboard.engine.provider.ProviderEndpoint;
import dev.switchboard.engine.provider.ProviderEvents;
import dev.switchboard.engine.provider.ProviderLimits;
import dev.switchboard.engine.provider.ProviderSession;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;

/**
 * A Twilio instance: one {@link HttpClient} for all its sessions; a session is the credentials
 * found good (an authenticated {@code GET} of the account, unless {@code verify-credentials} is
 * off). A message costs its SMS segments against the rate limit, as Twilio counts them.
 */
public final class TwilioProvider implements ProviderAdapter {
  private final String name;
  private final String channel;
  private final TwilioSettings settings;
  private final Clock clock;
  private final HttpClient client;
  private final String authorization;

  public TwilioProvider(String name, String channel, TwilioSettings settings, Clock clock) {
    this.name = name;
    this.channel = channel;
    this.settings = settings;
    this.clock = clock;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.authorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (settings.accountSid() + ":" + settings.authToken())
                        .getBytes(StandardCharsets.UTF_8));
  }

  public TwilioSettings settings() {
    return settings;
  }

  /** The API's host, never the SID or the token. */
  @Override
  public String peer() {
    return settings.peer();
  }

  /**
   * Checks the credentials (blocking, bounded by the request timeout) and opens a session.
   *
   * @throws TwilioOpenException when Twilio cannot be reached or refuses the credentials; its
   *     message never holds the token
   */
  @Override
  public ProviderSession open(ProviderEvents events) throws TwilioOpenException {
    if (settings.verifyCredentials()) {
      verifyCredentials();
    }
    return new TwilioSession(channel, name, settings, client, authorization, events, clock);
  }

  private void verifyCredentials() throws TwilioOpenException {
    HttpRequest request =
        HttpRequest.newBuilder(settings.accountUri())
            .timeout(settings.requestTimeout())
            .header("Authorization", authorization)
            .header("Accept", "application/json")
            .GET()
            .build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new TwilioOpenException(
          "could not reach twilio at " + settings.peer() + ": " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TwilioOpenException("interrupted while checking the twilio credentials", e);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return;
    }
    TwilioErrors.ErrorBody body = TwilioResponses.error(response.body());
    String reason = TwilioErrors.reason(status, body);
    if (status == 401 || status == 403) {
      throw new TwilioOpenException(
          "twilio refused the account SID and auth token (" + reason + ")", null);
    }
    if (status == 404) {
      throw new TwilioOpenException(
          "twilio knows no such account ("
              + reason
              + "); for an API without GET /2010-04-01/Accounts/{sid}.json set"
              + " verify-credentials = off",
          null);
    }
    throw new TwilioOpenException("twilio could not check the credentials (" + reason + ")", null);
  }

  @Override
  public int cost(OutboundMessage message) {
    return Math.max(1, SmsEncoding.analyse(message.text()).segments());
  }

  @Override
  public ProviderLimits limits() {
    return new ProviderLimits(settings.window(), settings.tps());
  }

  @Override
  public Optional<ProviderEndpoint> endpoint(ProviderEvents events) {
    return Optional.of(new TwilioEndpoint(channel, name, settings, events, clock));
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    if (message != null && !message.isBlank()) {
      return message;
    }
    return error instanceof java.net.ConnectException
        ? "connection refused"
        : error.getClass().getSimpleName();
  }
}
