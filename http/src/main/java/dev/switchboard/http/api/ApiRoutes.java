package dev.switchboard.http.api;

import dev.switchboard.http.auth.Account;
import dev.switchboard.http.auth.ApiKeys;
import dev.switchboard.http.auth.RateLimits;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedHeaderRejection;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.Rejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * Every route of the API port (and, apart, of the management port), behind the handlers that turn
 * every rejection and failure into the error body of API.md: a client never sees a default error
 * page or a stack trace.
 */
public final class ApiRoutes extends AllDirectives {
  private final ApiKeys keys;
  private final RateLimits limits;
  private final MeterRegistry meters;
  private final MessageRoutes messages;
  private final WebhookRoutes webhooks;
  private final ProviderRoutes providers;
  private final OptOutRoutes optOuts;
  private final HealthRoutes health;
  private final MetricsRoutes metrics;
  private final UnexpectedErrors unexpected;
  private final Duration bodyReadTimeout;

  public ApiRoutes(
      ApiKeys keys,
      RateLimits limits,
      MessageRoutes messages,
      WebhookRoutes webhooks,
      ProviderRoutes providers,
      OptOutRoutes optOuts,
      HealthRoutes health,
      MetricsRoutes metrics,
      MeterRegistry meters,
      Duration bodyReadTimeout) {
    this.keys = keys;
    this.limits = limits;
    this.meters = meters;
    this.messages = messages;
    this.webhooks = webhooks;
    this.providers = providers;
    this.optOuts = optOuts;
    this.health = health;
    this.metrics = metrics;
    this.unexpected = new UnexpectedErrors(meters);
    this.bodyReadTimeout = bodyReadTimeout;
  }

  public Route routes() {
    return withRequestTimeoutResponse(
        request ->
            ApiError.unavailable(
                "unavailable",
                "the request took longer than the server allows",
                Duration.ofSeconds(1)),
        () ->
            handleExceptions(
                exceptions(),
                () ->
                    handleRejections(
                        rejections(),
                        () ->
                            concat(
                                health.routes(),
                                pathPrefix("v1", () -> concat(providers.routes(), v1()))))));
  }

  /**
   * The management port's routes: health with every component, and metrics. Broker hosts, database
   * URLs and driver errors are for operators, not for whoever reaches the API.
   */
  public Route management() {
    return handleExceptions(
        exceptions(),
        () ->
            handleRejections(
                rejections(), () -> concat(health.detailedRoutes(), metrics.routes())));
  }

  private Route v1() {
    return optionalHeaderValueByName(
        "Authorization",
        header -> {
          Optional<String> key =
              header
                  .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                  .map(h -> h.substring(7).trim());
          return key.flatMap(keys::authenticate)
              .map(this::limited)
              .orElseGet(() -> afterBody(ApiError.unauthorized()));
        });
  }

  // Answering while the client still sends its body would reset the connection under the answer
  // (the server closes it with the body unread): read the body first, bounded by the server's
  // content length and the body-read timeout, then answer whatever came of it.
  private Route afterBody(HttpResponse response) {
    return extractRequestEntity(
        entity ->
            entity.isKnownEmpty()
                ? complete(response)
                : extractMaterializer(
                    materializer ->
                        onComplete(
                            entity.toStrict(bodyReadTimeout.toMillis(), materializer),
                            read -> complete(response))));
  }

  private Route limited(Account account) {
    Duration wait = limits.acquire(account);
    if (!wait.isZero()) {
      meters.counter("switchboard.http.rate.limited", "account", account.id()).increment();
      return afterBody(ApiError.rateLimited(wait));
    }
    return concat(messages.routes(account), webhooks.routes(account), optOuts.routes(account));
  }

  private ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(
            Json.MalformedJsonException.class,
            e -> complete(ApiError.invalid(null, e.getMessage())))
        .match(
            EntityStreamSizeException.class,
            e ->
                complete(
                    ApiError.of(
                        StatusCodes.CONTENT_TOO_LARGE,
                        "payload_too_large",
                        "the body is larger than " + e.limit() + " bytes",
                        null)))
        .matchAny(e -> complete(unexpected.handle(e)))
        .build();
  }

  private RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handleAll(
            MethodRejection.class,
            rejections ->
                afterBody(
                    ApiError.of(
                            StatusCodes.METHOD_NOT_ALLOWED,
                            "method_not_allowed",
                            "method not allowed here",
                            null)
                        // HTTP requires a 405 to say which methods the resource takes.
                        .addHeader(
                            RawHeader.create(
                                "Allow",
                                rejections.stream()
                                    .map(r -> r.supported().name())
                                    .distinct()
                                    .sorted()
                                    .collect(Collectors.joining(", "))))))
        .handle(
            MalformedHeaderRejection.class,
            rejection ->
                complete(
                    ApiError.invalid(
                        rejection.headerName(),
                        "the header " + rejection.headerName() + " is malformed")))
        // Never a rejection's own text: it names pekko-http's classes and may quote the request.
        .handle(
            Rejection.class,
            rejection -> afterBody(ApiError.invalid(null, "the request is not valid here")))
        .handleNotFound(afterBody(ApiError.notFound("no such resource")))
        .build();
  }
}
