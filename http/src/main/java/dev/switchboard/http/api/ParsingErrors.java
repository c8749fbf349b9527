package dev.switchboard.http.api;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Requests pekko-http refuses before any route sees them (a malformed request line, a header or URI
 * over the limits): answered with the API's error body in our words, never the parser's text. Named
 * in {@code pekko.http.server.parsing.error-handler}.
 */
public final class ParsingErrors extends ParsingErrorHandler {
  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    log.debug("refused a request the server could not parse: {}", info.summary());
    return switch (status.intValue()) {
      case 413 ->
          ApiError.of(
              StatusCodes.CONTENT_TOO_LARGE,
              "payload_too_large",
              "the request is larger than the server accepts",
              null);
      case 414 ->
          ApiError.of(
              StatusCodes.URI_TOO_LONG, "invalid_request", "the request's URI is too long", null);
      case 431 ->
          ApiError.of(
              StatusCodes.REQUEST_HEADER_FIELDS_TOO_LARGE,
              "invalid_request",
              "the request's headers are too many or too large",
              null);
      case 408 ->
          ApiError.of(
              StatusCodes.REQUEST_TIMEOUT,
              "request_timeout",
              "the request did not arrive in time",
              null);
      // pekko-http says 501 (unknown method) and 505 (HTTP version): the client's fault, a 4xx.
      case 501, 505 ->
          ApiError.of(
              StatusCodes.BAD_REQUEST,
              "invalid_request",
              "the request uses a method or HTTP version the server does not support",
              null);
      default ->
          ApiError.of(
              status.intValue() >= 500
                  ? StatusCodes.BAD_REQUEST
                  : StatusCodes.get(status.intValue()),
              "invalid_request",
              "the request is not valid HTTP",
              null);
    };
  }
}
