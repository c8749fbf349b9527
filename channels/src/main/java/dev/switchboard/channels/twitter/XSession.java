package dev.switchboard.channels.twitter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.provider.ProviderEvents;
import dev.switchboard.engine.provider.ProviderSession;
import dev.switchboard.engine.provider.SendOutcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each message as one direct message: {@code POST /2/dm_conversations/with/{participant_id}
 * /messages} with {@code {"text": ...}} and the user's bearer token. A {@code 401} renews the token
 * once and sends again; when it cannot be renewed the session reports itself lost (the runtime
 * shows the instance down and opens a new session, which renews again, with backoff). Sends are
 * held without asking X while its rate-limit window is spent or a usage cap holds.
 */
final class XSession implements ProviderSession {
  private static final Logger LOG = LoggerFactory.getLogger(XSession.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern USER_ID = Pattern.compile("[0-9]{1,19}");

  private final String provider;
  private final XSettings settings;
  private final HttpClient http;
  private final XTokens tokens;
  private final XRateLimits limits;
  private final ProviderEvents events;
  private final Clock clock;

  XSession(
      String provider,
      XSettings settings,
      HttpClient http,
      XTokens tokens,
      XRateLimits limits,
      ProviderEvents events,
      Clock clock) {
    this.provider = provider;
    this.settings = settings;
    this.http = http;
    this.tokens = tokens;
    this.limits = limits;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public CompletionStage<SendOutcome> send(OutboundMessage message, int attempt) {
    if (!USER_ID.matcher(message.to()).matches()) {
      return CompletableFuture.completedFuture(
          new SendOutcome.PermanentFailure(
              "twitter_invalid_recipient", "an X user id is 1 to 19 digits"));
    }
    Optional<SendOutcome.Throttled> held = limits.hold(clock.instant());
    if (held.isPresent()) {
      return CompletableFuture.completedFuture(held.get());
    }
    String body = MAPPER.createObjectNode().put("text", message.text()).toString();
    CompletableFuture<SendOutcome> result = new CompletableFuture<>();
    tokens
        .current()
        .thenCompose(
            token ->
                post(message.to(), body, token)
                    .thenCompose(
                        response ->
                            response.statusCode() == 401
                                ? tokens
                                    .renewAfter(token)
                                    .thenCompose(fresh -> post(message.to(), body, fresh))
                                    .thenApply(again -> outcome(message, again, true))
                                : CompletableFuture.completedFuture(
                                    outcome(message, response, false))))
        .whenComplete((outcome, error) -> complete(result, message, outcome, error));
    return result;
  }

  // Without a token X takes, the attempt did not reach X: it fails with twitter_401 (retried), and
  // only then is the session reported lost, so the runtime records that answer before it drops the
  // session (the instance shows down until a session opens with a renewed token). Anything else
  // that failed is an unknown outcome for the runtime.
  private void complete(
      CompletableFuture<SendOutcome> result,
      OutboundMessage message,
      SendOutcome outcome,
      Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause == null) {
      result.complete(outcome);
    } else if (cause instanceof XAuthException auth) {
      LOG.warn(
          "x access token unusable, session lost: provider={} messageId={} cause={}",
          provider,
          message.id(),
          auth.getMessage());
      result.complete(new SendOutcome.TransientFailure("twitter_401", auth.getMessage(), null));
      events.sessionLost(auth.getMessage());
    } else {
      result.completeExceptionally(cause);
    }
  }

  private CompletableFuture<HttpResponse<String>> post(
      String participant, String body, XTokens.Token token) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    settings.baseUrl() + "/2/dm_conversations/with/" + participant + "/messages"))
            .timeout(settings.requestTimeout())
            .header("Authorization", "Bearer " + token.access())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (response, error) -> {
              if (response != null) {
                limits.observe(response.headers(), clock.instant());
              }
            });
  }

  private SendOutcome outcome(
      OutboundMessage message, HttpResponse<String> response, boolean renewed) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return sent(message, response);
    }
    if (status == 401) {
      // The token X has just given is refused too: nothing this instance can send with.
      throw new CompletionException(
          new XAuthException(
              "X rejected the access token"
                  + (renewed ? " it had just renewed" : "")
                  + " (401): check the app's access and the token's scopes (dm.write, dm.read,"
                  + " tweet.read, users.read)"));
    }
    Instant now = clock.instant();
    XErrors.Problem problem = XErrors.parse(response.body());
    SendOutcome outcome =
        XErrors.classify(
            status,
            problem,
            XRateLimits.reset(response.headers()),
            now,
            settings.rateLimitMargin(),
            settings.usageCapRetry());
    if (outcome instanceof SendOutcome.Throttled throttled
        && XErrors.USAGE_CAPPED.equals(throttled.code())) {
      Instant until = now.plus(throttled.pause());
      limits.capped(until);
      LOG.warn(
          "x usage cap reached, sends held until {}: provider={} period={} messageId={}",
          until,
          provider,
          problem.detail(),
          message.id());
    }
    return outcome;
  }

  private static SendOutcome sent(OutboundMessage message, HttpResponse<String> response) {
    try {
      JsonNode data = MAPPER.readTree(response.body()).path("data");
      if (data.path("dm_event_id").isTextual()) {
        return new SendOutcome.Sent(data.path("dm_event_id").asText());
      }
    } catch (java.io.IOException e) {
      // answered below
    }
    // X took something and named nothing: the outcome is unknown, as after a timeout.
    return new SendOutcome.TransientFailure(
        "twitter_bad_response",
        "X answered " + response.statusCode() + " without a dm_event_id",
        null);
  }

  @Override
  public void close() {
    // Nothing is held open: the HTTP client and the token belong to the instance.
  }
}
