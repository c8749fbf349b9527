package dev.switchboard.http.api;

import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/** The {@code limit} of a listing ({@code /v1/webhooks/failed}, {@code /v1/opt-outs}). */
final class PageLimit {
  static final int DEFAULT = 20;
  static final int MAX = 100;

  private PageLimit() {}

  /** The limit asked for (the default when none), or empty when it is not 1..{@value #MAX}. */
  static Optional<Integer> parse(Optional<String> text) {
    try {
      int limit = text.map(Integer::parseInt).orElse(DEFAULT);
      return limit >= 1 && limit <= MAX ? Optional.of(limit) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static HttpResponse invalid() {
    return ApiError.invalid("limit", "must be a whole number from 1 to " + MAX);
  }

  static HttpResponse invalidCursor() {
    return ApiError.invalid("cursor", "is not a cursor this API returned");
  }
}
