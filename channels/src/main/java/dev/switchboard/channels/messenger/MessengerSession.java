package dev.switchboard.channels.messenger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.engine.Redaction;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.provider.ProviderEvents;
import dev.switchboard.engine.provider.ProviderSession;
import dev.switchboard.engine.provider.SendOutcome;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Page access token proven to work ({@link #open} asked the Graph API who it belongs to), and the
 * Send API calls made with it. A call whose answer says the token or its permissions are refused
 * reports the session lost, once: the runtime then shows the provider down and opens a new session
 * with backoff, each open checking the token again, so messages wait instead of failing.
 */
final class MessengerSession implements ProviderSession {
  private static final Logger log = LoggerFactory.getLogger(MessengerSession.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String USAGE_HEADER = "x-business-use-case-usage";
  static final String METADATA_MESSAGING_TYPE = "messenger.messagingType";
  static final String METADATA_TAG = "messenger.tag";

  private final String provider;
  private final MessengerSettings settings;
  private final HttpClient http;
  private final ProviderEvents events;
  private final RecentSends recent;
  private final Clock clock;
  private final String pageId;
  private final SendErrors.Pauses pauses;
  private final AtomicBoolean lostReported = new AtomicBoolean();

  private MessengerSession(
      String provider,
      MessengerSettings settings,
      HttpClient http,
      ProviderEvents events,
      RecentSends recent,
      Clock clock,
      String pageId) {
    this.provider = provider;
    this.settings = settings;
    this.http = http;
    this.events = events;
    this.recent = recent;
    this.clock = clock;
    this.pageId = pageId;
    this.pauses = new SendErrors.Pauses(settings.rateLimitPause(), settings.restrictedPause());
  }

  /**
   * Checks the token with {@code GET /me?fields=id}; blocks up to the request timeout.
   *
   * @throws MessengerUnavailableException when the Graph API cannot be reached or refuses the token
   *     (the message names the code, never the token)
   */
  static MessengerSession open(
      String provider,
      MessengerSettings settings,
      HttpClient http,
      ProviderEvents events,
      RecentSends recent,
      Clock clock)
      throws MessengerUnavailableException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(settings.meUri())
            .timeout(settings.requestTimeout())
            .header("Authorization", "Bearer " + settings.pageToken())
            .GET()
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new MessengerUnavailableException(
          "the Graph API at "
              + settings.peer()
              + " could not be reached: "
              + describe(e, settings));
    }
    String pageId = pageIdOf(response);
    if (pageId == null) {
      throw new MessengerUnavailableException(refusal(settings, response));
    }
    log.info(
        "messenger token checked: provider={} peer={} page={}", provider, settings.peer(), pageId);
    return new MessengerSession(provider, settings, http, events, recent, clock, pageId);
  }

  private static String pageIdOf(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      return null;
    }
    try {
      JsonNode id = JSON.readTree(response.body()).path("id");
      return id.isTextual() && !id.asText().isEmpty() ? id.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static String refusal(MessengerSettings settings, HttpResponse<String> response) {
    return GraphError.parse(response.body())
        .map(
            error ->
                (SendErrors.isAuth(error.code())
                        ? "the Page access token was refused ("
                        : "the token check failed (")
                    + error.stableCode()
                    + "): "
                    + SendErrors.reason(error, settings.secrets()))
        .orElse(
            "the token check (GET /me) answered HTTP "
                + response.statusCode()
                + " without a Page id");
  }

  String pageId() {
    return pageId;
  }

  @Override
  public CompletionStage<SendOutcome> send(OutboundMessage message, int attempt) {
    String body;
    try {
      body = body(message);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          new SendOutcome.PermanentFailure("messenger_invalid_metadata", e.getMessage()));
    }
    HttpRequest request =
        HttpRequest.newBuilder(settings.messagesUri())
            .timeout(settings.requestTimeout())
            .header("Authorization", "Bearer " + settings.pageToken())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    CompletableFuture<SendOutcome> outcome = new CompletableFuture<>();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (response, error) -> {
              if (error != null) {
                // The outcome is unknown: the runtime counts it transient and retries.
                outcome.completeExceptionally(
                    new IOException("Send API call failed: " + describe(error, settings)));
                return;
              }
              SendErrors.Classified classified = answered(message, response);
              // The outcome first, so the message's history names the token error; then the
              // session goes.
              outcome.complete(classified.outcome());
              if (classified.sessionLost()) {
                reportLost(classified.outcome(), message);
              }
            });
    return outcome;
  }

  private SendErrors.Classified answered(OutboundMessage message, HttpResponse<String> response) {
    if (response.statusCode() == 200) {
      String mid = messageIdOf(response.body());
      if (mid != null) {
        recent.sent(message.to(), mid, clock.instant());
        return new SendErrors.Classified(new SendOutcome.Sent(mid), false);
      }
      return new SendErrors.Classified(
          new SendOutcome.PermanentFailure(
              "messenger_unreadable_answer", "the Send API answered 200 without a message_id"),
          false);
    }
    SendErrors.Classified classified =
        SendErrors.classify(
            response.statusCode(),
            response.body(),
            response.headers().firstValue(USAGE_HEADER),
            pauses,
            settings.secrets());
    log.debug(
        "messenger send refused: provider={} messageId={} status={} outcome={}",
        provider,
        message.id(),
        response.statusCode(),
        classified.outcome());
    return classified;
  }

  private void reportLost(SendOutcome outcome, OutboundMessage message) {
    if (!lostReported.compareAndSet(false, true)) {
      return;
    }
    String cause =
        outcome instanceof SendOutcome.TransientFailure failure
            ? "the Page access token was refused (" + failure.code() + "): " + failure.reason()
            : "the Page access token was refused";
    log.warn(
        "messenger token refused, session closed: provider={} messageId={} cause={}",
        provider,
        message.id(),
        cause);
    events.sessionLost(cause);
  }

  /** The Send API body; a message's metadata may choose its messaging_type and tag. */
  String body(OutboundMessage message) {
    String tag = message.metadata().get(METADATA_TAG);
    String type = message.metadata().get(METADATA_MESSAGING_TYPE);
    if (type == null) {
      type = tag != null ? "MESSAGE_TAG" : settings.messagingType();
    }
    type = type.trim().toUpperCase(Locale.ROOT);
    if (!MessengerSettings.MESSAGING_TYPES.contains(type)) {
      throw new IllegalArgumentException(
          "metadata " + METADATA_MESSAGING_TYPE + " must be RESPONSE, UPDATE or MESSAGE_TAG");
    }
    if (type.equals("MESSAGE_TAG") != (tag != null)) {
      throw new IllegalArgumentException(
          "metadata " + METADATA_TAG + " is given with MESSAGE_TAG, and only then");
    }
    ObjectNode root = JSON.createObjectNode();
    root.putObject("recipient").put("id", message.to());
    root.put("messaging_type", type);
    if (tag != null) {
      root.put("tag", tag);
    }
    root.putObject("message").put("text", message.text());
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings is always serializable", e);
    }
  }

  private static String messageIdOf(String body) {
    try {
      JsonNode id = JSON.readTree(body).path("message_id");
      return id.isTextual() && !id.asText().isEmpty() ? id.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  // The exception's class and message, with every secret hidden.
  private static String describe(Throwable error, MessengerSettings settings) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String text =
        cause.getMessage() == null
            ? cause.getClass().getSimpleName()
            : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    return Redaction.text(text, settings.secrets());
  }

  /** Nothing to end: the HTTP client is the instance's and outlives its sessions. */
  @Override
  public void close() {
    log.debug("messenger session closed: provider={} page={}", provider, pageId);
  }
}
