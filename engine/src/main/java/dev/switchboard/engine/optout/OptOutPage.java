package dev.switchboard.engine.optout;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * One page of an account's opt-outs, newest first.
 *
 * @param nextCursor where the next page starts; null on the last page
 */
public record OptOutPage(List<OptOut> rows, String nextCursor) {

  public OptOutPage {
    rows = List.copyOf(rows);
  }

  /** A position in the list (after this entry), opaque to clients. */
  public record Cursor(Instant createdAt, String channel, String recipient) {

    static Cursor after(OptOut row) {
      return new Cursor(row.createdAt(), row.channel(), row.recipient());
    }

    public String encode() {
      String raw = createdAt.toEpochMilli() + ":" + channel + ":" + recipient;
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor {@code text} encodes, or empty when it is not one of ours. */
    public static Optional<Cursor> parse(String text) {
      try {
        String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        // Channel names have no colon; a recipient may (the rest of the text is the recipient).
        String[] parts = raw.split(":", 3);
        if (parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
          return Optional.empty();
        }
        return Optional.of(
            new Cursor(Instant.ofEpochMilli(Long.parseLong(parts[0])), parts[1], parts[2]));
      } catch (IllegalArgumentException e) {
        // Not base64, or not a number before the first colon.
        return Optional.empty();
      }
    }
  }
}
