package dev.switchboard.testkit.smsc;

/**
 * A deliver_sm (MO or receipt) the client did not accept: a non-zero command_status after every
 * redelivery, or no answer at all ({@link #NO_RESPONSE}: timeout, no receiving session, broken
 * connection).
 */
public final class DeliverSmFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The status reported when no deliver_sm_resp came back. */
  public static final int NO_RESPONSE = -1;

  private final int commandStatus;

  DeliverSmFailedException(String message, int commandStatus) {
    super(message);
    this.commandStatus = commandStatus;
  }

  /** The client's command_status, or {@link #NO_RESPONSE}. */
  public int commandStatus() {
    return commandStatus;
  }
}
