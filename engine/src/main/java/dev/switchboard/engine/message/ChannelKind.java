package dev.switchboard.engine.message;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The channels the API knows and the addressing and length rules each imposes (API.md). Whether a
 * channel is enabled on an engine is configuration; what a valid message on it looks like is not.
 */
public enum ChannelKind {
  SMS(Pattern.compile("\\+[1-9][0-9]{6,14}"), "an E.164 number such as +447700900123", 0),
  MESSENGER(Pattern.compile("[0-9]{1,32}"), "a page-scoped id (digits)", 2000),
  // X user ids are 64-bit integers: the API refuses a participant_id of more than 19 digits.
  TWITTER(Pattern.compile("[0-9]{1,19}"), "a numeric user id of 1 to 19 digits", 10000),
  // The sandbox takes SMS-like addresses so demos read naturally; any short token is accepted.
  SANDBOX(
      Pattern.compile("[+]?[A-Za-z0-9._-]{1,64}"), "1..64 letters, digits, '.', '_' or '-'", 1600);

  private final Pattern address;
  private final String addressHint;
  private final int maxTextLength;

  ChannelKind(Pattern address, String addressHint, int maxTextLength) {
    this.address = address;
    this.addressHint = addressHint;
    this.maxTextLength = maxTextLength;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ChannelKind> fromWireName(String name) {
    return Arrays.stream(values()).filter(k -> k.wireName().equals(name)).findFirst();
  }

  /** The first rule {@code to} breaks on this channel, if any. */
  public Optional<FieldError> checkRecipient(String to) {
    if (address.matcher(to).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new FieldError("to", "must be " + addressHint + " on channel " + wireName()));
  }

  /** The first rule {@code text} breaks on this channel, if any. */
  public Optional<FieldError> checkText(String text) {
    if (text.isEmpty()) {
      return Optional.of(new FieldError("text", "must not be empty"));
    }
    if (this == SMS) {
      int segments = SmsEncoding.analyse(text).segments();
      return segments <= SmsEncoding.MAX_SEGMENTS
          ? Optional.empty()
          : Optional.of(
              new FieldError(
                  "text",
                  "needs "
                      + segments
                      + " SMS segments; at most "
                      + SmsEncoding.MAX_SEGMENTS
                      + " are allowed"));
    }
    int length = text.codePointCount(0, text.length());
    return length <= maxTextLength
        ? Optional.empty()
        : Optional.of(
            new FieldError(
                "text",
                "is " + length + " characters; at most " + maxTextLength + " on " + wireName()));
  }
}
