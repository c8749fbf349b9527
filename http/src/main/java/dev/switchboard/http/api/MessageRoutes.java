package dev.switchboard.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.delivery.MessageDocument;
import dev.switchboard.engine.delivery.MessageGateway;
import dev.switchboard.engine.message.MessageIds;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.webhook.TargetPolicy;
import dev.switchboard.http.HttpSettings;
import dev.switchboard.http.auth.Account;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /v1/messages}: send messages, one or a batch at a time, and read them. */
public final class MessageRoutes extends AllDirectives {
  private static final Logger LOG = LoggerFactory.getLogger(MessageRoutes.class);
  static final int MAX_IDEMPOTENCY_KEY = 255;

  private final MessageGateway gateway;
  private final Set<String> enabledChannels;
  private final TargetPolicy targets;
  private final HttpSettings settings;
  private final Clock clock;

  /**
   * @param targets which callback URLs are allowed
   */
  public MessageRoutes(
      MessageGateway gateway,
      Set<String> enabledChannels,
      TargetPolicy targets,
      HttpSettings settings,
      Clock clock) {
    this.gateway = gateway;
    this.enabledChannels = Set.copyOf(enabledChannels);
    this.targets = targets;
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
                path("batch", () -> post(() -> sendBatch(account))),
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
          return jsonBody(settings.maxBodyBytes(), body -> submit(account, key, body));
        });
  }

  // One key per message, in the body: a header for the whole batch could name only one of them.
  private Route sendBatch(Account account) {
    return optionalHeaderValueByName(
        "Idempotency-Key",
        key ->
            key.isPresent()
                ? complete(
                    ApiError.invalid(
                        "Idempotency-Key",
                        "a batch takes no Idempotency-Key header; give each message an "
                            + BatchRequest.IDEMPOTENCY_KEY))
                // The server's content-length bound is for single sends; a batch has its own.
                : withSizeLimit(
                    settings.maxBatchBodyBytes(),
                    () ->
                        jsonBody(
                            settings.maxBatchBodyBytes(), body -> submitBatch(account, body))));
  }

  /** Reads a JSON body of at most {@code maxBytes}; answers 415, 413 or 400 itself otherwise. */
  private Route jsonBody(long maxBytes, Function<JsonNode, Route> inner) {
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
                // Read the whole body (the route's size limit bounds it) before judging
                // its size: answering while the client still writes would reset its connection.
                CompletionStage<HttpEntity.Strict> strict =
                    entity.toStrict(settings.bodyReadTimeout().toMillis(), materializer);
                return onComplete(
                    strict,
                    read -> {
                      if (read.isFailure()) {
                        return unreadBody(read.failed().get());
                      }
                      return read.get().getData().size() > maxBytes
                          ? complete(tooLarge(maxBytes))
                          : inner.apply(Json.parse(read.get().getData().toArray()));
                    });
              });
        });
  }

  /**
   * A body that did not arrive whole: too slowly (408) or not as HTTP (400); a client's fault, not
   * ours. Anything else goes on to the exception handler (413 for a body over the limit).
   */
  private Route unreadBody(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof TimeoutException) {
      return complete(
          ApiError.of(
              StatusCodes.REQUEST_TIMEOUT,
              "request_timeout",
              "the body did not arrive within " + settings.bodyReadTimeout().toMillis() + " ms",
              null));
    }
    if (cause instanceof EntityStreamException) {
      return complete(
          ApiError.invalid(
              null, "the body could not be read: its length or chunking is not valid"));
    }
    return failWith(cause);
  }

  private static HttpResponse tooLarge(long maxBytes) {
    return ApiError.of(
        StatusCodes.CONTENT_TOO_LARGE,
        "payload_too_large",
        "the body is larger than " + maxBytes + " bytes",
        null);
  }

  private Route submit(Account account, Optional<String> idempotencyKey, JsonNode body) {
    MessageRequest.Parsed parsed = MessageRequest.parse(body, enabledChannels, targets);
    if (parsed instanceof MessageRequest.Invalid invalid) {
      return complete(ApiError.invalid(invalid.error().field(), invalid.error().message()));
    }
    OutboundMessage message =
        message(account, idempotencyKey, ((MessageRequest.Valid) parsed).request());
    return onSuccess(
        gateway.submit(message),
        submission -> {
          if (submission instanceof MessageGateway.Accepted accepted) {
            return complete(
                Json.response(
                    accepted.created() ? StatusCodes.ACCEPTED : StatusCodes.OK,
                    MessageDocument.accepted(accepted.view().message())));
          }
          MessageGateway.Unavailable unavailable = (MessageGateway.Unavailable) submission;
          LOG.warn(
              "send refused: account={} channel={} messageId={} reason={}",
              account.id(),
              message.channel(),
              message.id(),
              unavailable.reason());
          return complete(
              ApiError.unavailable(
                  unavailableCode(unavailable), unavailable.reason(), unavailable.retryAfter()));
        });
  }

  private Route submitBatch(Account account, JsonNode body) {
    BatchRequest.Parsed parsed = BatchRequest.parse(body, enabledChannels, targets);
    if (parsed instanceof BatchRequest.Invalid invalid) {
      return complete(ApiError.invalid(invalid.error().field(), invalid.error().message()));
    }
    // Every valid item goes to the gateway at once: a batch costs about one single send's time.
    List<CompletableFuture<ItemResult>> results =
        ((BatchRequest.Valid) parsed)
            .batch().items().stream().map(item -> result(account, item)).toList();
    CompletableFuture<List<ItemResult>> all =
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
            .thenApply(done -> results.stream().map(CompletableFuture::join).toList());
    return onSuccess(
        all,
        list -> {
          logRefused(account, list);
          return complete(
              Json.response(
                  StatusCodes.OK, BatchJson.results(list.stream().map(ItemResult::json).toList())));
        });
  }

  /** One item's answer; {@code refusal} is the reason the engine could not take a valid item. */
  private record ItemResult(Map<String, Object> json, String refusal) {}

  private CompletableFuture<ItemResult> result(Account account, BatchRequest.Item item) {
    if (item instanceof BatchRequest.InvalidItem invalid) {
      return CompletableFuture.completedFuture(
          new ItemResult(BatchJson.invalid(invalid.index(), invalid.error()), null));
    }
    BatchRequest.ValidItem valid = (BatchRequest.ValidItem) item;
    return gateway
        .submit(message(account, valid.idempotencyKey(), valid.request()))
        .thenApply(
            submission -> {
              if (submission instanceof MessageGateway.Accepted accepted) {
                return new ItemResult(
                    BatchJson.accepted(
                        valid.index(), accepted.view().message(), accepted.created()),
                    null);
              }
              MessageGateway.Unavailable unavailable = (MessageGateway.Unavailable) submission;
              return new ItemResult(
                  BatchJson.unavailable(
                      valid.index(),
                      unavailableCode(unavailable),
                      unavailable.reason(),
                      unavailable.retryAfter()),
                  unavailable.reason());
            })
        .toCompletableFuture();
  }

  // One line per batch, not per item: a broker outage must not multiply the log by 100.
  private static void logRefused(Account account, List<ItemResult> results) {
    List<String> refused =
        results.stream().map(ItemResult::refusal).filter(r -> r != null).toList();
    if (!refused.isEmpty()) {
      LOG.warn(
          "batch sends refused: account={} refused={} of={} reason={}",
          account.id(),
          refused.size(),
          results.size(),
          refused.get(0));
    }
  }

  private OutboundMessage message(
      Account account, Optional<String> idempotencyKey, MessageRequest request) {
    String id =
        idempotencyKey
            .map(key -> MessageIds.forIdempotencyKey(account.id(), key))
            .orElseGet(MessageIds::random);
    return new OutboundMessage(
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
  }

  private static String unavailableCode(MessageGateway.Unavailable unavailable) {
    return unavailable.brokerFault() ? "broker_unavailable" : "unavailable";
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
              .map(view -> complete(Json.response(StatusCodes.OK, MessageDocument.view(view))))
              .orElseGet(() -> complete(ApiError.notFound("no message " + id)));
        });
  }
}
