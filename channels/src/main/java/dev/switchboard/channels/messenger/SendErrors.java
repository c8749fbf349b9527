package dev.switchboard.channels.messenger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.engine.Redaction;
import dev.switchboard.engine.provider.SendOutcome;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.Optional;

/**
 * What a Send API error means for the message (PROVIDERS.md section 4). Codes are stable: {@code
 * messenger_<code>} or {@code messenger_<code>_<subcode>} (e.g. {@code messenger_100_2018001}),
 * except {@code messenger_outside_window} for 10/2018278; the reason carries Meta's code, subcode
 * and message. An answer without a Graph error body is {@code messenger_http_<status>}.
 */
final class SendErrors {
  static final String OUTSIDE_WINDOW = "messenger_outside_window";
  private static final int MAX_REASON = 300;
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A classified answer.
   *
   * @param sessionLost the token or its permissions were refused: the provider is down until a
   *     session opens again with a token that works
   */
  record Classified(SendOutcome outcome, boolean sessionLost) {}

  /** The pauses the settings give to throttling without a time of its own. */
  record Pauses(Duration rateLimit, Duration restricted) {}

  private SendErrors() {}

  /**
   * Classifies an answer that is not a success.
   *
   * @param usage the {@code X-Business-Use-Case-Usage} header, when present
   * @param secrets hidden from the reason by value
   */
  static Classified classify(
      int status, String body, Optional<String> usage, Pauses pauses, Collection<String> secrets) {
    Optional<GraphError> parsed = GraphError.parse(body);
    if (parsed.isEmpty()) {
      return withoutBody(status);
    }
    GraphError error = parsed.get();
    String reason = reason(error, secrets);
    int code = error.code();
    if (isAuth(code)) {
      return new Classified(
          new SendOutcome.TransientFailure(error.stableCode(), reason, null), true);
    }
    if (isRateLimit(code)) {
      Duration pause = regainAccess(usage).orElse(pauses.rateLimit());
      return new Classified(new SendOutcome.Throttled(error.stableCode(), pause), false);
    }
    if (code == 10 && error.subcode() == 1893063) {
      return new Classified(
          new SendOutcome.Throttled(error.stableCode(), pauses.restricted()), false);
    }
    if (code == 10 && error.subcode() == 2018278) {
      return new Classified(new SendOutcome.PermanentFailure(OUTSIDE_WINDOW, reason), false);
    }
    if (code == 1200 || code == 1 || code == 2 || error.transientHint() || status >= 500) {
      return new Classified(
          new SendOutcome.TransientFailure(error.stableCode(), reason, null), false);
    }
    // 100 (invalid parameter, 2018001 no matching user), 551/1545041 (person unavailable), 10
    // (policy: the 24-hour window, tags) and every code not named here: sending the same
    // request again gets the same answer.
    return new Classified(new SendOutcome.PermanentFailure(error.stableCode(), reason), false);
  }

  /** 190 invalid token (and its subcodes), 102 session, 200-299 permission errors. */
  static boolean isAuth(int code) {
    return code == 190 || code == 102 || code >= 200 && code <= 299;
  }

  /** Application, user, Page and business-use-case request limits. */
  static boolean isRateLimit(int code) {
    return code == 4 || code == 17 || code == 32 || code == 613 || code >= 80000 && code <= 80014;
  }

  private static Classified withoutBody(int status) {
    String code = "messenger_http_" + status;
    String reason = "the Send API answered HTTP " + status + " without a Graph error";
    if (status == 429) {
      return new Classified(new SendOutcome.Throttled(code, null), false);
    }
    if (status >= 500 || status == 408) {
      return new Classified(new SendOutcome.TransientFailure(code, reason, null), false);
    }
    return new Classified(new SendOutcome.PermanentFailure(code, reason), false);
  }

  /**
   * The longest {@code estimated_time_to_regain_access} (minutes) of any business use case in the
   * header, when one is above zero.
   */
  static Optional<Duration> regainAccess(Optional<String> usage) {
    if (usage.isEmpty()) {
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = JSON.readTree(usage.get());
    } catch (IOException e) {
      return Optional.empty();
    }
    int minutes = 0;
    for (Iterator<JsonNode> objects = root.elements(); objects.hasNext(); ) {
      for (JsonNode useCase : objects.next()) {
        minutes = Math.max(minutes, useCase.path("estimated_time_to_regain_access").asInt(0));
      }
    }
    return minutes > 0 ? Optional.of(Duration.ofMinutes(minutes)) : Optional.empty();
  }

  /** {@code Meta error 100/2018001 (OAuthException): No matching user found}, bounded. */
  static String reason(GraphError error, Collection<String> secrets) {
    String text =
        "Meta error "
            + error.codes()
            + (error.type().isEmpty() ? "" : " (" + error.type() + ")")
            + ": "
            + error.message();
    String safe = Redaction.text(text, secrets);
    return safe.length() <= MAX_REASON ? safe : safe.substring(0, MAX_REASON) + "...";
  }
}
