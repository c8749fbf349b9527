package dev.switchboard.engine.optout;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The keywords a user sends to opt out of an account's messages on a channel, or back in: the
 * industry set Twilio applies by default on long codes. Only a message that is the keyword alone
 * counts (any case, surrounding spaces and a trailing full stop or exclamation mark allowed), so
 * "Stop by later" or "STOP PLEASE" is an ordinary message.
 */
public final class OptOutKeywords {

  /** What an inbound message asks for. */
  public enum Change {
    OPT_OUT,
    OPT_IN
  }

  /**
   * STOP, STOPALL, UNSUBSCRIBE, CANCEL, END and QUIT are Twilio's long-standing defaults; OPTOUT
   * and REVOKE follow the FCC's 2025 rule that any reasonable request revokes consent.
   */
  public static final Set<String> OPT_OUT =
      Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE");

  /** Twilio's opt-in keywords. */
  public static final Set<String> OPT_IN = Set.of("START", "YES", "UNSTOP");

  private OptOutKeywords() {}

  /** The change {@code text} asks for, if it is one of the keywords. */
  public static Optional<Change> of(String text) {
    return keyword(text).map(word -> OPT_OUT.contains(word) ? Change.OPT_OUT : Change.OPT_IN);
  }

  /** The keyword {@code text} is, upper case, if it is one. */
  public static Optional<String> keyword(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String word = text.strip();
    while (word.endsWith(".") || word.endsWith("!")) {
      word = word.substring(0, word.length() - 1).stripTrailing();
    }
    word = word.toUpperCase(Locale.ROOT);
    return OPT_OUT.contains(word) || OPT_IN.contains(word) ? Optional.of(word) : Optional.empty();
  }
}
