package dev.switchboard.engine.webhook;

/** How one delivery attempt ended. */
public sealed interface Attempt {

  /** The receiver answered 2xx. */
  record Delivered(int status) implements Attempt {}

  /** Worth trying again later: a non-2xx answer, a timeout, a refused connection. */
  record Failed(String error) implements Attempt {}

  /** Never worth trying again (a refused target, no secret): dead-lettered at once. */
  record Refused(String error) implements Attempt {}
}
