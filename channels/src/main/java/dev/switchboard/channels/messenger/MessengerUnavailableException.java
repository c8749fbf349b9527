package dev.switchboard.channels.messenger;

/**
 * A Messenger session could not be opened: the Graph API could not be reached, or it refused the
 * Page access token. The message says which, with Meta's code, and never holds the token.
 */
public final class MessengerUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public MessengerUnavailableException(String message) {
    super(message, null, false, false);
  }
}
