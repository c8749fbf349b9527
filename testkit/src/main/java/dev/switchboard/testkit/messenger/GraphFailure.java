package dev.switchboard.testkit.messenger;

/**
 * A Graph API error the stub answers instead of taking a message: the HTTP status and the {@code
 * error} object of PROVIDERS.md section 4, optionally with an {@code X-Business-Use-Case-Usage}
 * header.
 *
 * @param subcode {@code error_subcode}; 0 leaves it out
 * @param usage the {@code X-Business-Use-Case-Usage} header's value, or null for none
 */
public record GraphFailure(
    int httpStatus, int code, int subcode, String type, String message, String usage) {

  /** 1200: Meta could not send it now; worth retrying. */
  public static GraphFailure temporary() {
    return new GraphFailure(
        500,
        1200,
        0,
        "OAuthException",
        "Temporary send message failure. Please try again later",
        null);
  }

  /** 613: the rate limit. */
  public static GraphFailure rateLimit() {
    return new GraphFailure(
        400, 613, 0, "OAuthException", "Calls to this api have exceeded the rate limit.", null);
  }

  /**
   * 4: the application's request limit, with the business use case header saying access returns in
   * {@code minutes}.
   */
  public static GraphFailure requestLimitFor(int minutes) {
    return new GraphFailure(
        400,
        4,
        0,
        "OAuthException",
        "(#4) Application request limit reached",
        "{\"112233\":[{\"type\":\"messenger\",\"call_count\":100,\"total_cputime\":12,"
            + "\"total_time\":30,\"estimated_time_to_regain_access\":"
            + minutes
            + "}]}");
  }

  /** 10/2018278: more than 24 hours since the person last wrote. */
  public static GraphFailure outsideWindow() {
    return new GraphFailure(
        400,
        10,
        2018278,
        "OAuthException",
        "(#10) This message is sent outside of allowed window.",
        null);
  }

  /** 551/1545041: the person cannot receive messages. */
  public static GraphFailure userUnavailable() {
    return new GraphFailure(
        400, 551, 1545041, "OAuthException", "This person isn't available right now.", null);
  }

  /** 100/2018001: no such person for this Page. */
  public static GraphFailure noMatchingUser() {
    return new GraphFailure(
        400, 100, 2018001, "OAuthException", "(#100) No matching user found", null);
  }

  /** 190: the token is invalid (expired, revoked). */
  public static GraphFailure invalidToken() {
    return new GraphFailure(
        400,
        190,
        0,
        "OAuthException",
        "Invalid OAuth access token - Cannot parse access token",
        null);
  }

  /** 200: the token lacks a permission. */
  public static GraphFailure permission() {
    return new GraphFailure(
        403,
        200,
        0,
        "OAuthException",
        "(#200) Requires pages_messaging permission to manage the object",
        null);
  }

  /** 10/1893063: Meta restricted the Page from sending for a while. */
  public static GraphFailure pageRestricted() {
    return new GraphFailure(
        400,
        10,
        1893063,
        "OAuthException",
        "(#10) This Page is temporarily restricted from sending messages.",
        null);
  }
}
