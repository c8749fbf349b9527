package dev.switchboard.http;

import dev.switchboard.engine.Redaction;
import dev.switchboard.engine.health.ComponentReport;
import dev.switchboard.engine.health.HealthComponent;
import dev.switchboard.engine.health.HealthRegistry;
import dev.switchboard.engine.persistence.DatabaseSettings;
import dev.switchboard.http.api.ApiError;
import dev.switchboard.http.api.ApiRoutes;
import dev.switchboard.http.api.HealthRoutes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node waiting for its journal at start: live, not ready (the journal component says why), and
 * {@code 503 unavailable} for everything else, until the engine has started and its routes take
 * over. A database that is down at start no longer stops the process.
 */
final class Waiting extends AllDirectives {
  private static final Logger LOG = LoggerFactory.getLogger(Waiting.class);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  private final DatabaseSettings db;
  private final Clock clock;
  private final HealthRegistry health = new HealthRegistry();
  private volatile String lastError = "not checked yet";
  private volatile Instant lastErrorAt;
  private volatile boolean warned;

  Waiting(DatabaseSettings db, Clock clock) {
    this.db = db;
    this.clock = clock;
    health.register(
        new HealthComponent() {
          @Override
          public String name() {
            return "journal";
          }

          @Override
          public ComponentReport report() {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("url", db.displayUrl());
            details.put("lastError", lastError);
            details.put("lastErrorAt", lastErrorAt == null ? null : lastErrorAt.toString());
            details.put("starting", true);
            return new ComponentReport(false, details);
          }
        });
  }

  /** The journal could not be reached (or its schema made); logged once, kept for health. */
  void journalDown(Throwable error) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    lastError = Redaction.text(cause.getClass().getSimpleName() + ": " + cause.getMessage());
    lastErrorAt = clock.instant();
    if (!warned) {
      warned = true;
      LOG.warn(
          "journal unreachable at start, waiting for it: url={} cause={}",
          db.displayUrl(),
          lastError);
    }
  }

  /**
   * A route serving the waiting node until {@code running} holds the engine's routes, then {@code
   * routes} of those; {@code management} picks the detailed health.
   */
  Route switchTo(
      AtomicReference<ApiRoutes> running, Function<ApiRoutes, Route> routes, boolean management) {
    HealthRoutes probes = new HealthRoutes(health);
    Route whileWaiting =
        concat(
            management ? probes.detailedRoutes() : probes.routes(),
            complete(
                ApiError.unavailable(
                    "unavailable",
                    "the node is starting: its journal is not reachable yet",
                    RETRY_AFTER)));
    AtomicReference<Route> started = new AtomicReference<>();
    return extractRequest(
        request -> {
          ApiRoutes engine = running.get();
          if (engine == null) {
            return whileWaiting;
          }
          return started.updateAndGet(r -> r != null ? r : routes.apply(engine));
        });
  }
}
