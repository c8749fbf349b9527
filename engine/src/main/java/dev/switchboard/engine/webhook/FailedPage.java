package dev.switchboard.engine.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * One page of an account's dead-lettered events, newest first.
 *
 * @param nextCursor where the next page starts; null on the last page
 */
public record FailedPage(List<OutboxRow> rows, String nextCursor) {

  /** A position in the list (after this row), opaque to clients. */
  public record Cursor(Instant failedAt, String id) {

    public String encode() {
      String raw = failedAt.toEpochMilli() + ":" + id;
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor {@code text} encodes, or empty when it is not one of ours. */
    public static Optional<Cursor> parse(String text) {
      try {
        String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        int colon = raw.indexOf(':');
        if (colon <= 0 || colon == raw.length() - 1) {
          return Optional.empty();
        }
        return Optional.of(
            new Cursor(
                Instant.ofEpochMilli(Long.parseLong(raw.substring(0, colon))),
                raw.substring(colon + 1)));
      } catch (IllegalArgumentException e) {
        // Not base64, or not a number before the colon.
        return Optional.empty();
      }
    }
  }
}
