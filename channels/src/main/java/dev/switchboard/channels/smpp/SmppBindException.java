package dev.switchboard.channels.smpp;

import java.io.IOException;
import org.jsmpp.extra.NegativeResponseException;

/**
 * The SMSC could not be reached or refused the bind. The message names the peer and, for a refusal,
 * the status (e.g. {@code ESME_RINVPASWD}); never the password.
 */
public final class SmppBindException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The SMSC's bind_resp status, or 0 when it never answered. */
  private final int commandStatus;

  private SmppBindException(String message, int commandStatus, Throwable cause) {
    super(message, cause);
    this.commandStatus = commandStatus;
  }

  static SmppBindException of(SmppSettings settings, IOException e) {
    if (e.getCause() instanceof NegativeResponseException refused) {
      int status = refused.getCommandStatus();
      return new SmppBindException(
          "bind to "
              + settings.peer()
              + " refused: "
              + CommandStatus.reason(status)
              + " ("
              + CommandStatus.code(status)
              + ")",
          status,
          null);
    }
    return new SmppBindException("bind to " + settings.peer() + " failed: " + e.getMessage(), 0, e);
  }

  public int commandStatus() {
    return commandStatus;
  }
}
