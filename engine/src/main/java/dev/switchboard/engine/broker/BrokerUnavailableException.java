package dev.switchboard.engine.broker;

/** No broker node could be reached, or a connection was lost; the supervisor restarts the owner. */
public final class BrokerUnavailableException extends RuntimeException {
  public BrokerUnavailableException(String message) {
    super(message);
  }
}
