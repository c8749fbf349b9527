package dev.switchboard.channels.twitter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.engine.Redaction;
import dev.switchboard.engine.provider.SendOutcome;
import java.time.Duration;
import java.time.Instant;

/**
 * What an X API error means for the message (PROVIDERS.md §5). Errors come as {@code
 * application/problem+json} ({@code type}, {@code title}, {@code detail}) or in the legacy {@code
 * {"errors":[{"code","message"}]}} shape. Codes are stable: {@code twitter_} and the HTTP status
 * ({@code twitter_403}), {@code twitter_usage_capped} for a usage cap; the reason is X's own words.
 * A {@code 401} never reaches here: the session renews the token first.
 */
public final class XErrors {
  /**
   * A 429 whose problem type is {@code usage-capped}: the app's or account's cap for the period.
   */
  public static final String USAGE_CAPPED = "twitter_usage_capped";

  /** The remaining requests of the window reached 0: held until it resets, without asking X. */
  public static final String RATE_LIMITED = "twitter_rate_limited";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_REASON = 300;
  private static final Duration MIN_PAUSE = Duration.ofSeconds(1);

  private XErrors() {}

  /**
   * An error body as X sends it; every field may be null.
   *
   * @param type the problem's type URI ({@code https://api.x.com/2/problems/invalid-request})
   * @param legacyCode the first legacy error's code (88, 349, ...)
   */
  public record Problem(String type, String title, String detail, Integer legacyCode, String text) {

    /** True for the problem type {@code .../usage-capped}. */
    public boolean usageCapped() {
      return type != null && type.endsWith("/usage-capped");
    }
  }

  /** Reads an error body; never throws (a body that is not X's gives an empty problem). */
  public static Problem parse(String body) {
    try {
      JsonNode json = MAPPER.readTree(body == null ? "" : body);
      if (json == null || !json.isObject()) {
        return new Problem(null, null, null, null, null);
      }
      JsonNode legacy = json.path("errors").path(0);
      Integer code = legacy.path("code").isInt() ? legacy.path("code").asInt() : null;
      return new Problem(
          text(json.path("type")),
          text(json.path("title")),
          text(json.path("detail")),
          code,
          text(legacy.path("message")));
    } catch (java.io.IOException e) {
      return new Problem(null, null, null, null, null);
    }
  }

  /** {@code twitter_<status>}. */
  public static String code(int status) {
    return "twitter_" + status;
  }

  /**
   * Classifies an answer that was not a success and not a {@code 401}.
   *
   * @param reset the window's {@code x-rate-limit-reset}, or null
   * @param margin added to a reset time (clocks differ)
   * @param usageCapRetry how long a usage cap holds sends when X names no reset time (one that has
   *     passed holds them a second)
   */
  public static SendOutcome classify(
      int status,
      Problem problem,
      Instant reset,
      Instant now,
      Duration margin,
      Duration usageCapRetry) {
    String reason = reason(status, problem);
    if (status == 429) {
      // A reset time already past (X's clock is not ours) means "now": try again shortly.
      Duration untilReset =
          reset == null ? null : max(Duration.between(now, reset), Duration.ZERO).plus(margin);
      if (problem.usageCapped()) {
        return new SendOutcome.Throttled(
            USAGE_CAPPED, untilReset == null ? usageCapRetry : max(untilReset, MIN_PAUSE));
      }
      return new SendOutcome.Throttled(
          code(status), untilReset == null ? null : max(untilReset, MIN_PAUSE));
    }
    if (status >= 500 || status == 408 || status < 400) {
      return new SendOutcome.TransientFailure(code(status), reason, null);
    }
    // 400 invalid request, 403 the recipient's DM settings, a block or the app's access, 404 no
    // such user: sending it again gets the same answer.
    return new SendOutcome.PermanentFailure(code(status), reason);
  }

  /** X's words for the error: {@code title: detail}, or the legacy {@code code: message}. */
  static String reason(int status, Problem problem) {
    String reason;
    if (problem.title() != null || problem.detail() != null) {
      reason =
          problem.title() == null
              ? problem.detail()
              : problem.detail() == null || problem.detail().equals(problem.title())
                  ? problem.title()
                  : problem.title() + ": " + problem.detail();
    } else if (problem.text() != null) {
      reason =
          problem.legacyCode() == null
              ? problem.text()
              : "X error " + problem.legacyCode() + ": " + problem.text();
    } else {
      reason = "X answered HTTP " + status;
    }
    reason = Redaction.text(reason.replaceAll("\\s+", " ").trim());
    return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON) + "...";
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static String text(JsonNode node) {
    return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
  }
}
