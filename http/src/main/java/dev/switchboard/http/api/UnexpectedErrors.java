package dev.switchboard.http.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A failure no route expected: logged once with its stack trace, counted in {@code
 * switchboard_http_unexpected_errors_total} so it shows in metrics, and answered with the API's
 * error body, never a stack trace.
 */
final class UnexpectedErrors {
  private static final Logger LOG = LoggerFactory.getLogger(UnexpectedErrors.class);

  private final Counter count;

  UnexpectedErrors(MeterRegistry meters) {
    count = meters.counter("switchboard.http.unexpected.errors");
  }

  HttpResponse handle(Throwable error) {
    LOG.error("unexpected failure handling a request", error);
    count.increment();
    return ApiError.of(
        StatusCodes.INTERNAL_SERVER_ERROR,
        "internal_error",
        "an unexpected error occurred; it has been logged",
        null);
  }
}
