package dev.switchboard.http;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds the routes and unbinds gracefully on coordinated shutdown. */
public final class HttpServer {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private HttpServer() {}

  public static CompletionStage<ServerBinding> start(
      ActorSystem<?> system, Route route, HttpSettings settings) {
    return Http.get(system)
        .newServerAt(settings.host(), settings.port())
        .bind(route)
        .whenComplete(
            (binding, error) -> {
              if (error != null) {
                LOG.error(
                    "could not bind HTTP on {}:{}: {}",
                    settings.host(),
                    settings.port(),
                    error.getMessage());
              } else {
                binding.addToCoordinatedShutdown(settings.unbindDeadline(), system);
                LOG.info("HTTP API listening on http://{}", binding.localAddress());
              }
            });
  }
}
