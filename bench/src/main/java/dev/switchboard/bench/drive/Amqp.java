package dev.switchboard.bench.drive;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

/** Connections to the broker, configured as the engine configures its own. */
final class Amqp {
  private Amqp() {}

  static Connection connect(String uri, String name) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri);
    // As in the engine: no automatic recovery, bounded connect.
    factory.setAutomaticRecoveryEnabled(false);
    factory.setConnectionTimeout(5_000);
    return factory.newConnection(name);
  }
}
