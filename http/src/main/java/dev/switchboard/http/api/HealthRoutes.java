package dev.switchboard.http.api;

import dev.switchboard.engine.health.HealthRegistry;
import dev.switchboard.engine.health.HealthReport;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /health/live} (the process answers; never depends on the broker) and {@code /health/ready}
 * (every component, each with its own status and detail).
 */
public final class HealthRoutes extends AllDirectives {
  private final HealthRegistry health;

  public HealthRoutes(HealthRegistry health) {
    this.health = health;
  }

  public Route routes() {
    return pathPrefix(
        "health",
        () ->
            concat(
                path(
                    "live",
                    () ->
                        get(() -> complete(Json.response(StatusCodes.OK, Map.of("status", "UP"))))),
                path("ready", () -> get(this::ready))));
  }

  private Route ready() {
    HealthReport report = health.report();
    Map<String, Object> components = new LinkedHashMap<>();
    report.components().forEach((name, component) -> components.put(name, component.asMap()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", report.status());
    body.put("components", components);
    return complete(
        Json.response(report.ready() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, body));
  }
}
