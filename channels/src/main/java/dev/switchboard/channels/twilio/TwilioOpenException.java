package dev.switchboard.channels.twilio;

/** A Twilio session could not open: the API is unreachable or refused the credentials. */
public final class TwilioOpenException extends Exception {
  private static final long serialVersionUID = 1L;

  TwilioOpenException(String message, Throwable cause) {
    super(message, cause);
  }
}
