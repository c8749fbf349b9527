package dev.switchboard.channels.twitter;

/**
 * The instance has no access token X takes: the token was rejected and could not be renewed. Its
 * message says why and what to do, never a token.
 */
public final class XAuthException extends Exception {
  private static final long serialVersionUID = 1L;

  public XAuthException(String message) {
    super(message);
  }
}
