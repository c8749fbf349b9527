package dev.switchboard.http.api;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code /metrics}: the Prometheus text format. */
public final class MetricsRoutes extends AllDirectives {
  private static final ContentType.NonBinary PROMETHEUS_TEXT = ContentTypes.TEXT_PLAIN_UTF8;

  private final PrometheusMeterRegistry registry;

  public MetricsRoutes(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  public Route routes() {
    return path(
        "metrics",
        () ->
            get(
                () ->
                    complete(
                        HttpResponse.create()
                            .withEntity(HttpEntities.create(PROMETHEUS_TEXT, registry.scrape())))));
  }
}
