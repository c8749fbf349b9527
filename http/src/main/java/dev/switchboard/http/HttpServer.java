package dev.switchboard.http;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds routes on an interface and port and unbinds gracefully on coordinated shutdown. */
public final class HttpServer {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private HttpServer() {}

  /**
   * @param name what the port serves, for the log ("HTTP API", "management")
   */
  public static CompletionStage<ServerBinding> start(
      ActorSystem<?> system,
      Route route,
      String name,
      String host,
      int port,
      Duration unbindDeadline) {
    return Http.get(system)
        .newServerAt(host, port)
        .bind(route)
        .whenComplete(
            (binding, error) -> {
              if (error != null) {
                LOG.error("could not bind {} on {}:{}: {}", name, host, port, error.getMessage());
              } else {
                binding.addToCoordinatedShutdown(unbindDeadline, system);
                LOG.info("{} listening on http://{}", name, binding.localAddress());
              }
            });
  }
}
