package dev.switchboard.engine.broker;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.switchboard.engine.Redaction;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Opens connections with every timeout set and the client's automatic recovery off (the actor
 * restart is the one recovery mechanism), trying a site's nodes in order.
 */
public final class BrokerConnector {
  private final BrokerSettings settings;

  public BrokerConnector(BrokerSettings settings) {
    this.settings = settings;
  }

  /** An open connection and where it goes. */
  public record Opened(Connection connection, String site, String node) {}

  /**
   * Opens a connection to the first node of {@code site} that answers. Blocking: call it on the
   * broker's blocking dispatcher.
   *
   * @throws BrokerUnavailableException naming every node tried and why it failed
   */
  public Opened open(String connectionName, Site site) {
    List<String> failures = new ArrayList<>();
    for (String uri : site.uris()) {
      ConnectionFactory factory = factory(uri);
      String node = factory.getHost() + ":" + factory.getPort();
      try {
        return new Opened(factory.newConnection(connectionName), site.name(), node);
      } catch (Exception e) {
        failures.add(node + ": " + describe(e));
      }
    }
    throw new BrokerUnavailableException(
        "no node of site " + site.name() + " reachable (" + String.join("; ", failures) + ")");
  }

  private ConnectionFactory factory(String uri) {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(uri);
    } catch (Exception e) {
      // Not chained: the parser's message quotes the whole URI, password included.
      throw new IllegalArgumentException(
          "invalid AMQP URI (credentials hidden): " + Redaction.uri(uri));
    }
    if (factory.isSSL()) {
      // The client's own amqps default trusts any certificate: verify the broker's chain against
      // the JVM's trust store (javax.net.ssl.trustStore) and its host name.
      try {
        factory.useSslProtocol(SSLContext.getDefault());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("no TLS in this JVM", e);
      }
      factory.enableHostnameVerification();
    }
    factory.setAutomaticRecoveryEnabled(false);
    factory.setTopologyRecoveryEnabled(false);
    factory.setRequestedHeartbeat((int) Math.max(1, settings.heartbeat().toSeconds()));
    factory.setConnectionTimeout((int) settings.connectTimeout().toMillis());
    factory.setHandshakeTimeout((int) settings.connectTimeout().toMillis());
    factory.setChannelRpcTimeout((int) settings.rpcTimeout().toMillis());
    factory.setShutdownTimeout((int) settings.closeTimeout().toMillis());
    factory.setWorkPoolTimeout((int) settings.rpcTimeout().toMillis());
    factory.setExceptionHandler(new QuietDriverExceptions());
    return factory;
  }

  /** A one-line cause, for health and logs, with any URI's credentials hidden. */
  public static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? "" : ": " + root.getMessage();
    return Redaction.text(root.getClass().getSimpleName() + message);
  }
}
