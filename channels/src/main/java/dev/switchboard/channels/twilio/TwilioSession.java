package dev.switchboard.channels.twilio;

import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.provider.ProviderEvents;
import dev.switchboard.engine.provider.ProviderSession;
import dev.switchboard.engine.provider.SendOutcome;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each message as one {@code POST .../Messages.json} on the adapter's {@link HttpClient},
 * without blocking. Refusals are classified by {@link TwilioErrors}; credentials Twilio rejects, or
 * an API that cannot be connected to, fail the attempt as transient and report the session lost
 * once, so the runtime shows the instance down and opens a new session (checking the credentials)
 * with backoff while jobs wait in the broker.
 */
final class TwilioSession implements ProviderSession {
  private static final Logger log = LoggerFactory.getLogger(TwilioSession.class);

  /** Twilio's bounds for {@code ValidityPeriod}, in seconds. */
  static final long MIN_VALIDITY = 1;

  static final long MAX_VALIDITY = 36_000;

  private final String channel;
  private final String provider;
  private final TwilioSettings settings;
  private final HttpClient client;
  private final String authorization;
  private final ProviderEvents events;
  private final Clock clock;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean lostReported = new AtomicBoolean();

  TwilioSession(
      String channel,
      String provider,
      TwilioSettings settings,
      HttpClient client,
      String authorization,
      ProviderEvents events,
      Clock clock) {
    this.channel = channel;
    this.provider = provider;
    this.settings = settings;
    this.client = client;
    this.authorization = authorization;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public CompletionStage<SendOutcome> send(OutboundMessage message, int attempt) {
    String from =
        message.from() == null || message.from().isBlank() ? settings.from() : message.from();
    if (from.isBlank()) {
      return CompletableFuture.completedFuture(
          new SendOutcome.PermanentFailure(
              "twilio_no_sender",
              "the message names no sender and the twilio provider has no from configured"));
    }
    HttpRequest request =
        HttpRequest.newBuilder(settings.messagesUri())
            .timeout(settings.requestTimeout())
            .header("Authorization", authorization)
            .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form(message, from)))
            .build();
    CompletableFuture<SendOutcome> outcome = new CompletableFuture<>();
    try {
      client
          .sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
          .whenComplete(
              (response, error) -> {
                if (error == null) {
                  answered(message, response, outcome);
                } else {
                  failed(message, error, outcome);
                }
              });
    } catch (RuntimeException e) {
      outcome.completeExceptionally(e);
    }
    return outcome;
  }

  /** The form body: To, From, Body, and StatusCallback and ValidityPeriod when there are. */
  String form(OutboundMessage message, String from) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("To", message.to());
    params.put("From", from);
    params.put("Body", message.text());
    if (!settings.statusCallback().isEmpty()) {
      params.put("StatusCallback", settings.statusCallback());
    }
    if (message.ttlSeconds() > 0) {
      params.put("ValidityPeriod", Long.toString(validity(message)));
    }
    return params.entrySet().stream()
        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  // What is left of the message's time to live (a retry does not start it again), within
  // Twilio's 1..36000 seconds.
  private long validity(OutboundMessage message) {
    long left =
        message.ttlSeconds() - Duration.between(message.createdAt(), clock.instant()).getSeconds();
    return Math.max(MIN_VALIDITY, Math.min(MAX_VALIDITY, left));
  }

  private void answered(
      OutboundMessage message, HttpResponse<String> response, CompletableFuture<SendOutcome> out) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      var sid = TwilioResponses.sid(response.body());
      if (sid.isPresent()) {
        log.debug(
            "twilio accepted: channel={} provider={} message={} sid={}",
            channel,
            provider,
            message.id(),
            sid.get());
        out.complete(new SendOutcome.Sent(sid.get()));
      } else {
        // Taken, perhaps, but under no id a receipt could name: an unknown outcome.
        out.completeExceptionally(
            new IllegalStateException("twilio answered " + status + " without a message sid"));
      }
      return;
    }
    TwilioErrors.ErrorBody body = TwilioResponses.error(response.body());
    TwilioErrors.Classified classified = TwilioErrors.classify(status, body, retryAfter(response));
    log.info(
        "twilio refused: channel={} provider={} message={} status={} code={}",
        channel,
        provider,
        message.id(),
        status,
        TwilioErrors.code(status, body.code()));
    // The attempt's answer first, then the loss: the runtime records the code on the message
    // before it restarts.
    out.complete(classified.outcome());
    if (classified.sessionLost()) {
      reportLost(TwilioErrors.reason(status, body));
    }
  }

  private void failed(
      OutboundMessage message, Throwable error, CompletableFuture<SendOutcome> out) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
      // Not connected, so not sent: the API is away, not this message's fault.
      String reason = "could not connect to " + settings.peer() + ": " + describe(cause);
      out.complete(new SendOutcome.TransientFailure("twilio_unreachable", reason, null));
      reportLost(reason);
      return;
    }
    log.info(
        "twilio send outcome unknown: channel={} provider={} message={} cause={}",
        channel,
        provider,
        message.id(),
        describe(cause));
    // A timeout or a dropped connection after the request went out: Twilio may have it.
    out.completeExceptionally(cause);
  }

  private static Duration retryAfter(HttpResponse<String> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .filter(v -> v.strip().matches("[0-9]{1,6}"))
        .map(v -> Duration.ofSeconds(Long.parseLong(v.strip())))
        .orElse(null);
  }

  private void reportLost(String cause) {
    if (!closed.get() && lostReported.compareAndSet(false, true)) {
      log.warn(
          "twilio session lost: channel={} provider={} peer={} cause={}",
          channel,
          provider,
          settings.peer(),
          cause);
      events.sessionLost(cause);
    }
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    if (message != null && !message.isBlank()) {
      return message;
    }
    return error instanceof ConnectException
        ? "connection refused"
        : error.getClass().getSimpleName();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    // Requests in flight finish on their own; the runtime has answered them already.
    if (closed.compareAndSet(false, true)) {
      log.info("twilio closed: channel={} provider={} peer={}", channel, provider, settings.peer());
    }
  }
}
