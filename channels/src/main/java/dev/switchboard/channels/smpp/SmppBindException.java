package dev.switchboard.channels.smpp;

import dev.switchboard.engine.Redaction;
import java.io.IOException;
import java.util.List;
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
    // jsmpp's messages may quote a bind field, the password included: scrub, and keep the cause
    // only when nothing in its chain names the password.
    boolean named = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      named |= mentions(t.getMessage(), settings.password());
    }
    String reason = Redaction.text(String.valueOf(e.getMessage()), List.of(settings.password()));
    return new SmppBindException(
        "bind to " + settings.peer() + " failed: " + reason, 0, named ? null : e);
  }

  private static boolean mentions(String message, String password) {
    return message != null && !password.isEmpty() && message.contains(password);
  }

  public int commandStatus() {
    return commandStatus;
  }
}
