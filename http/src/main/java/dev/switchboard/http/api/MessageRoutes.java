package dev.switchboard.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.delivery.MessageGateway;
import dev.switchboard.engine.message.MessageIds;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.http.HttpSettings;
import dev.switchboard.http.auth.Account;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /v1/messages}: send and read messages. */
public final class MessageRoutes extends AllDirectives {
  private static final Logger LOG = LoggerFactory.getLogger(MessageRoutes.class);
  static final int MAX_IDEMPOTENCY_KEY = 255;

  private final MessageGateway gateway;
  private final Set<String> enabledChannels;
  private final HttpSettings settings;
  private final Clock clock;

  public MessageRoutes(
      MessageGateway gateway, Set<String> enabledChannels, HttpSettings settings, Clock clock) {
    this.gateway = gateway;
    this.enabledChannels = Set.copyOf(enabledChannels);
    this.settings = settings;
    this.clock = clock;
  }

  /** The routes below {@code /v1/messages}, for an authenticated account. */
  public Route routes(Account account) {
    return pathPrefix(
        "messages",
        () ->
            concat(
                pathEndOrSingleSlash(() -> post(() -> send(account))),
                path(PathMatchers.segment(), id -> get(() -> read(account, id)))));
  }

  private Route send(Account account) {
    return optionalHeaderValueByName(
        "Idempotency-Key",
        key -> {
          if (key.isPresent()
              && (key.get().isEmpty() || key.get().length() > MAX_IDEMPOTENCY_KEY)) {
            return complete(
                ApiError.invalid(
                    "Idempotency-Key", "must be 1.." + MAX_IDEMPOTENCY_KEY + " characters"));
          }
          return jsonBody(body -> submit(account, key, body));
        });
  }

  /** Reads a bounded JSON body; answers 415, 413 or 400 itself when it is not one. */
  private Route jsonBody(java.util.function.Function<JsonNode, Route> inner) {
    return extractRequestEntity(
        entity -> {
          if (!entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
            return complete(
                ApiError.of(
                    StatusCodes.UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "the body must be application/json",
                    null));
          }
          return extractMaterializer(
              materializer -> {
                // Read the whole body (the server's max-content-length bounds it) before judging
                // its size: answering while the client still writes would reset its connection.
                CompletionStage<HttpEntity.Strict> strict =
                    entity.toStrict(settings.bodyReadTimeout().toMillis(), materializer);
                return onSuccess(
                    strict,
                    read ->
                        read.getData().size() > settings.maxBodyBytes()
                            ? complete(tooLarge())
                            : inner.apply(Json.parse(read.getData().toArray())));
              });
        });
  }

  private HttpResponse tooLarge() {
    return ApiError.of(
        StatusCodes.CONTENT_TOO_LARGE,
        "payload_too_large",
        "the body is larger than " + settings.maxBodyBytes() + " bytes",
        null);
  }

  private Route submit(Account account, Optional<String> idempotencyKey, JsonNode body) {
    MessageRequest.Parsed parsed = MessageRequest.parse(body, enabledChannels);
    if (parsed instanceof MessageRequest.Invalid invalid) {
      return complete(ApiError.invalid(invalid.error().field(), invalid.error().message()));
    }
    MessageRequest request = ((MessageRequest.Valid) parsed).request();
    String id =
        idempotencyKey
            .map(key -> MessageIds.forIdempotencyKey(account.id(), key))
            .orElseGet(MessageIds::random);
    OutboundMessage message =
        new OutboundMessage(
            id,
            account.id(),
            request.channel().wireName(),
            request.to(),
            request.from(),
            request.text(),
            request.callbackUrl(),
            request.ttlSeconds(),
            request.metadata(),
            clock.instant());
    return onSuccess(
        gateway.submit(message),
        submission -> {
          if (submission instanceof MessageGateway.Accepted accepted) {
            return complete(
                Json.response(
                    accepted.created() ? StatusCodes.ACCEPTED : StatusCodes.OK,
                    MessageJson.accepted(accepted.view().message())));
          }
          MessageGateway.Unavailable unavailable = (MessageGateway.Unavailable) submission;
          LOG.warn(
              "send refused: account={} channel={} messageId={} reason={}",
              account.id(),
              message.channel(),
              id,
              unavailable.reason());
          return complete(
              ApiError.unavailable(
                  unavailable.brokerFault() ? "broker_unavailable" : "unavailable",
                  unavailable.reason(),
                  unavailable.retryAfter()));
        });
  }

  private Route read(Account account, String id) {
    if (!MessageIds.isValid(id)) {
      return complete(ApiError.notFound("no message " + id));
    }
    return onComplete(
        gateway.find(account.id(), id),
        found -> {
          if (found.isFailure()) {
            return complete(
                ApiError.unavailable(
                    "unavailable",
                    "the message store did not answer in time",
                    java.time.Duration.ofSeconds(1)));
          }
          return found
              .get()
              .map(view -> complete(Json.response(StatusCodes.OK, MessageJson.view(view))))
              .orElseGet(() -> complete(ApiError.notFound("no message " + id)));
        });
  }
}
