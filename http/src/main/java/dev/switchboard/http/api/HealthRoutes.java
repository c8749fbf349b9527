package dev.switchboard.http.api;

import dev.switchboard.engine.health.HealthRegistry;
import dev.switchboard.engine.health.HealthReport;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /health/live} (the process answers; never depends on the broker) and {@code
 * /health/ready}: on the API port the status only, on the management port every component with its
 * detail (broker hosts, database, last errors), which is not for the public.
 */
public final class HealthRoutes extends AllDirectives {
  private final HealthRegistry health;

  public HealthRoutes(HealthRegistry health) {
    this.health = health;
  }

  /** The API port's probes: status and status code only. */
  public Route routes() {
    return routes(false);
  }

  /** The management port's probes: readiness with every component. */
  public Route detailedRoutes() {
    return routes(true);
  }

  private Route routes(boolean details) {
    return pathPrefix(
        "health",
        () ->
            concat(
                path(
                    "live",
                    () ->
                        get(() -> complete(Json.response(StatusCodes.OK, Map.of("status", "UP"))))),
                path("ready", () -> get(() -> ready(details)))));
  }

  private Route ready(boolean details) {
    HealthReport report = health.report();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", report.status());
    if (details) {
      Map<String, Object> components = new LinkedHashMap<>();
      report.components().forEach((name, component) -> components.put(name, component.asMap()));
      body.put("components", components);
    }
    return complete(
        Json.response(report.ready() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, body));
  }
}
