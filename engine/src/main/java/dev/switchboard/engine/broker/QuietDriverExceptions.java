package dev.switchboard.engine.broker;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's exception handler, minus its error line for a dying connection: the actor that owns
 * the connection logs that loss once, with channel, site and node. Everything else (listener and
 * consumer failures) is still reported by the client as before.
 */
final class QuietDriverExceptions extends ForgivingExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(QuietDriverExceptions.class);

  @Override
  public void handleUnexpectedConnectionDriverException(Connection conn, Throwable exception) {
    LOG.debug("connection driver stopped: {}", BrokerConnector.describe(exception));
  }
}
