package dev.switchboard.http.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The error body of API.md: {@code {"error": {"code", "message", "field"}}}, never a stack trace.
 */
public final class ApiError {
  private ApiError() {}

  public static HttpResponse invalid(String field, String message) {
    return of(StatusCodes.BAD_REQUEST, "invalid_request", message, field);
  }

  public static HttpResponse unauthorized() {
    return of(
            StatusCodes.UNAUTHORIZED,
            "unauthorized",
            "a valid API key is required (Authorization: Bearer <key>)",
            null)
        .addHeader(RawHeader.create("WWW-Authenticate", "Bearer"));
  }

  public static HttpResponse notFound(String message) {
    return of(StatusCodes.NOT_FOUND, "not_found", message, null);
  }

  public static HttpResponse unavailable(String code, String message, Duration retryAfter) {
    return of(
        StatusCodes.SERVICE_UNAVAILABLE,
        code,
        message,
        null,
        List.of(
            RawHeader.create("Retry-After", String.valueOf(Math.max(1, retryAfter.toSeconds())))));
  }

  public static HttpResponse rateLimited(Duration retryAfter) {
    return of(
        StatusCodes.TOO_MANY_REQUESTS,
        "rate_limited",
        "too many requests for this account; retry after Retry-After seconds",
        null,
        List.of(RawHeader.create("Retry-After", String.valueOf(retryAfterSeconds(retryAfter)))));
  }

  // Whole seconds, rounded up, at least 1: a client must not retry at once.
  private static long retryAfterSeconds(Duration wait) {
    long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
    return Math.max(1, seconds);
  }

  public static HttpResponse of(StatusCode status, String code, String message, String field) {
    return of(status, code, message, field, List.of());
  }

  static HttpResponse of(
      StatusCode status, String code, String message, String field, List<HttpHeader> headers) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", message);
    if (field != null) {
      error.put("field", field);
    }
    return Json.response(status, Map.of("error", error), headers);
  }
}
