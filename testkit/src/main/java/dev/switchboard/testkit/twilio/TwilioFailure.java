package dev.switchboard.testkit.twilio;

/**
 * An error Twilio answers instead of creating a message, with the body Twilio sends: {@code
 * {"code","message","more_info","status"}}.
 *
 * @param retryAfter seconds for a {@code Retry-After} header, or 0 for none (Twilio documents none)
 */
public record TwilioFailure(int httpStatus, int code, String message, int retryAfter) {

  public TwilioFailure(int httpStatus, int code, String message) {
    this(httpStatus, code, message, 0);
  }

  /** 20429: too many concurrent requests (429). */
  public static TwilioFailure tooManyRequests() {
    return new TwilioFailure(429, 20429, "Too Many Requests");
  }

  /** 21211: the To number is not valid (400). */
  public static TwilioFailure invalidTo(String to) {
    return new TwilioFailure(400, 21211, "The 'To' number " + to + " is not a valid phone number.");
  }

  /** 21610: the recipient replied STOP (400). */
  public static TwilioFailure unsubscribed() {
    return new TwilioFailure(400, 21610, "Attempt to send to unsubscribed recipient");
  }

  /** 21611: the sender's queue is over 10 hours (400). */
  public static TwilioFailure queueFull() {
    return new TwilioFailure(
        400, 21611, "This 'From' number has exceeded the maximum number of queued messages");
  }

  /** 21608: an unverified To on a trial account (400). */
  public static TwilioFailure unverifiedTo() {
    return new TwilioFailure(
        400,
        21608,
        "The number is unverified. Trial accounts cannot send messages to unverified numbers.");
  }

  /** 20500: an internal server error (500). */
  public static TwilioFailure serverError() {
    return new TwilioFailure(500, 20500, "An internal server error has occurred");
  }

  /** 20503: the service is unavailable (503). */
  public static TwilioFailure unavailable() {
    return new TwilioFailure(503, 20503, "Service Unavailable");
  }

  /** 20003: authentication failed (401). */
  public static TwilioFailure authenticate() {
    return new TwilioFailure(401, 20003, "Authenticate");
  }

  public String moreInfo() {
    return "https://www.twilio.com/docs/errors/" + code;
  }
}
