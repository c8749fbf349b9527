package dev.switchboard.engine.provider;

/** A provider session could not be opened or was lost; its runtime restarts with backoff. */
public final class ProviderUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ProviderUnavailableException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
