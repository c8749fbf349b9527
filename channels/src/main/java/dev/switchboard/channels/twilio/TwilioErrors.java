package dev.switchboard.channels.twilio;

import dev.switchboard.engine.provider.SendOutcome;
import java.time.Duration;

/**
 * What Twilio's refusal of a message means (PROVIDERS.md §3). Error codes are stable: {@code
 * twilio_<code>} from the error body (e.g. {@code twilio_21211}), {@code twilio_http_<status>} when
 * the body names none, and {@code recipient_opted_out} for 21610 (the recipient sent STOP), which
 * the opt-out store records. The reason is {@code twilio <code>: <Twilio's message>}.
 */
public final class TwilioErrors {
  /** Too many concurrent requests: never processed, always safe to send again. */
  public static final int TOO_MANY_REQUESTS = 20429;

  /** Authentication failed: the SID or the token is wrong. */
  public static final int AUTHENTICATION_FAILED = 20003;

  /** The requested resource was not found: on a send, the account in the path is unknown. */
  public static final int NOT_FOUND = 20404;

  /** The recipient replied STOP to this sender. */
  public static final int UNSUBSCRIBED_RECIPIENT = 21610;

  /** The sender's queue holds more than 10 hours of messages. */
  public static final int QUEUE_FULL = 21611;

  /** The code of a message whose recipient opted out, as every channel reports it. */
  public static final String OPTED_OUT = "recipient_opted_out";

  private static final int MAX_REASON = 300;

  private TwilioErrors() {}

  /**
   * A classified refusal.
   *
   * @param sessionLost the credentials or the account are wrong: every further send would fail the
   *     same way, so the session reports itself lost and the runtime opens a new one (checking the
   *     credentials) with backoff
   */
  public record Classified(SendOutcome outcome, boolean sessionLost) {}

  /** Twilio's error body, as far as it could be read. */
  public record ErrorBody(Integer code, String message) {
    public static final ErrorBody NONE = new ErrorBody(null, null);
  }

  /** The stable error code of a refusal. */
  public static String code(int httpStatus, Integer code) {
    return code == null ? "twilio_http_" + httpStatus : "twilio_" + code;
  }

  /**
   * Classifies an answer other than 2xx.
   *
   * @param retryAfter the answer's {@code Retry-After}, or null
   */
  public static Classified classify(int httpStatus, ErrorBody body, Duration retryAfter) {
    Integer code = body.code();
    String stable = code(httpStatus, code);
    String reason = reason(httpStatus, body);
    if (httpStatus == 429 || isCode(code, TOO_MANY_REQUESTS)) {
      return new Classified(new SendOutcome.Throttled(stable, retryAfter), false);
    }
    if (httpStatus == 401 || isCode(code, AUTHENTICATION_FAILED)) {
      return new Classified(
          new SendOutcome.TransientFailure(
              stable, "twilio refused the account SID and auth token: " + reason, null),
          true);
    }
    if (isCode(code, NOT_FOUND) || (httpStatus == 404 && code == null)) {
      return new Classified(
          new SendOutcome.TransientFailure(
              stable, "twilio does not know the account in the path: " + reason, null),
          true);
    }
    if (isCode(code, UNSUBSCRIBED_RECIPIENT)) {
      return new Classified(new SendOutcome.PermanentFailure(OPTED_OUT, reason), false);
    }
    if (isCode(code, QUEUE_FULL) || httpStatus >= 500) {
      return new Classified(new SendOutcome.TransientFailure(stable, reason, retryAfter), false);
    }
    if (httpStatus >= 400) {
      // 21211, 21608, 21614, 21617 and every other refusal of this message: sending it again would
      // be refused again (and an unknown code is no reason to spend the recipient's retries).
      return new Classified(new SendOutcome.PermanentFailure(stable, reason), false);
    }
    return new Classified(new SendOutcome.TransientFailure(stable, reason, null), false);
  }

  /** {@code twilio <code>: <message>}, or the HTTP status when the body names no code. */
  static String reason(int httpStatus, ErrorBody body) {
    String head =
        body.code() == null ? "twilio answered HTTP " + httpStatus : "twilio " + body.code();
    String message = body.message() == null ? "" : body.message().strip();
    String reason = message.isEmpty() ? head : head + ": " + message;
    return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON) + "...";
  }

  private static boolean isCode(Integer code, int expected) {
    return code != null && code == expected;
  }
}
