package dev.switchboard.http;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds routes on an interface and port and unbinds gracefully on coordinated shutdown. */
public final class HttpServer {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private HttpServer() {}

  /**
   * @param name what the port serves, for the log ("HTTP API", "management")
   * @param tls the port's TLS, or empty for plain HTTP
   */
  public static CompletionStage<ServerBinding> start(
      ActorSystem<?> system,
      Route route,
      String name,
      String host,
      int port,
      Duration unbindDeadline,
      Optional<ServerTls> tls) {
    ServerBuilder server = Http.get(system).newServerAt(host, port);
    String scheme = tls.isPresent() ? "https" : "http";
    return tls.map(t -> server.enableHttps(t.connectionContext()))
        .orElse(server)
        .bind(route)
        .whenComplete(
            (binding, error) -> {
              if (error != null) {
                LOG.error("could not bind {} on {}:{}: {}", name, host, port, error.getMessage());
              } else {
                binding.addToCoordinatedShutdown(unbindDeadline, system);
                LOG.info(
                    "{} listening on {}://{}{}",
                    name,
                    scheme,
                    hostAndPort(binding.localAddress()),
                    tls.map(t -> " (TLS " + String.join(", ", t.protocols()) + ")").orElse(""));
              }
            });
  }

  // 127.0.0.1:8080 or [::]:8080, as a URL writes it.
  private static String hostAndPort(InetSocketAddress address) {
    String host = address.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
