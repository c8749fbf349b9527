package dev.switchboard.engine.broker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The one broker connection of one connection-owning actor: opened and prepared off the actor,
 * adopted by the actor, reported in its {@link ConnectionHealth}, logged once per change, and
 * aborted (bounded) when the actor stops or restarts. The actor keeps the protocol; this keeps the
 * bookkeeping both owners share.
 */
final class BrokerLink {

  /** Prepares the channel the owner works on: declare, qos, consume, listeners. Blocking. */
  interface Preparation {
    Channel prepare(Connection connection) throws IOException;
  }

  /** An open connection and its prepared channel, not yet adopted. */
  record Ready(BrokerConnector.Opened opened, Channel channel) {}

  private final String channelName;
  private final String role;
  private final BrokerSettings settings;
  private final BrokerConnector connector;
  private final ConnectionHealth health;
  private final Executor blocking;
  private final Logger log;
  private Ready current;

  BrokerLink(
      String channelName,
      String role,
      BrokerSettings settings,
      BrokerConnector connector,
      ConnectionHealth health,
      Executor blocking,
      Logger log) {
    this.channelName = channelName;
    this.role = role;
    this.settings = settings;
    this.connector = connector;
    this.health = health;
    this.blocking = blocking;
    this.log = log;
    health.connecting();
  }

  /**
   * Opens a connection to a node of {@code site} and prepares its channel on the blocking executor.
   * Shutdown notices of the connection (from the client's thread) go to {@code onShutdown} from the
   * moment it is open.
   */
  CompletableFuture<Ready> open(Site site, Preparation preparation, Consumer<String> onShutdown) {
    String name = "switchboard-" + role + "-" + channelName;
    return CompletableFuture.supplyAsync(
        () -> {
          BrokerConnector.Opened opened = connector.open(name, site);
          try {
            opened
                .connection()
                .addShutdownListener(cause -> onShutdown.accept(BrokerConnector.describe(cause)));
            return new Ready(opened, preparation.prepare(opened.connection()));
          } catch (Exception e) {
            abort(opened);
            throw new BrokerUnavailableException(
                "connected to "
                    + opened.node()
                    + " but could not set up: "
                    + BrokerConnector.describe(e));
          }
        },
        blocking);
  }

  /**
   * Takes a ready connection into use.
   *
   * @throws BrokerUnavailableException when it died before it was adopted (its shutdown notice came
   *     while there was nothing to lose)
   */
  void adopt(Ready ready) {
    if (!ready.opened().connection().isOpen()) {
      abort(ready.opened());
      throw lost("connection closed right after it opened");
    }
    current = ready;
    health.connected(ready.opened().site(), ready.opened().node());
    log.info(
        "broker connected: channel={} role={} site={} node={} reconnects={}",
        channelName,
        role,
        ready.opened().site(),
        ready.opened().node(),
        health.reconnects());
  }

  /** Gives up a connection opened for an owner that has since been replaced. */
  void abandon(Ready ready) {
    abort(ready.opened());
  }

  /** Records a failed connect; the caller throws what it returns so its supervisor restarts it. */
  BrokerUnavailableException connectFailed(Throwable failure) {
    String cause = BrokerConnector.describe(failure);
    if (health.failed(cause)) {
      log.warn("broker connect failed: channel={} role={} cause={}", channelName, role, cause);
    } else {
      log.debug("broker still unreachable: channel={} role={} cause={}", channelName, role, cause);
    }
    return new BrokerUnavailableException(cause);
  }

  /** Records the loss of the adopted connection; the caller throws what it returns. */
  BrokerUnavailableException lost(String cause) {
    health.failed(cause);
    BrokerConnector.Opened opened = current == null ? null : current.opened();
    log.warn(
        "broker connection lost: channel={} role={} site={} node={} cause={}",
        channelName,
        role,
        opened == null ? null : opened.site(),
        opened == null ? null : opened.node(),
        cause);
    return new BrokerUnavailableException(cause);
  }

  /** The adopted channel, or null while there is none. */
  Channel channel() {
    return current == null ? null : current.channel();
  }

  /** Where the adopted connection goes, or null while there is none. */
  BrokerConnector.Opened opened() {
    return current == null ? null : current.opened();
  }

  /** Aborts the adopted connection (bounded, off the actor); used on restart and site switch. */
  void release() {
    Ready toClose = current;
    current = null;
    if (toClose != null) {
      blocking.execute(() -> abort(toClose.opened()));
    }
  }

  /** Released on purpose to connect elsewhere: reported as connecting, not as a failure. */
  void switchSite() {
    release();
    health.connecting();
  }

  /** Released for good: the owner stopped, nothing reconnects. */
  void close() {
    release();
    health.closed();
  }

  private void abort(BrokerConnector.Opened opened) {
    opened.connection().abort((int) settings.closeTimeout().toMillis());
  }
}
