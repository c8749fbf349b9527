package dev.switchboard.channels.twitter;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.engine.message.MessageIds;
import dev.switchboard.engine.provider.EndpointReply;
import dev.switchboard.engine.provider.EndpointRequest;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.provider.ProviderEndpoint;
import dev.switchboard.engine.provider.ProviderEvents;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/channels/{channel}/webhook}: X's challenge-response check ({@code GET ?crc_token=})
 * and its Account Activity (or X Activity) events ({@code POST}, signed with {@code
 * x-twitter-webhooks-signature}, checked before anything else). Each DM a user sent becomes an
 * inbound message whose id derives from X's event id, so a redelivered event is the same message
 * (its customer webhook is queued once). X is answered within its 10 s once every DM is durable,
 * else with 503 so that it sends the event again.
 */
final class XWebhook implements ProviderEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(XWebhook.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String provider;
  private final String channel;
  private final XSettings settings;
  private final ProviderEvents events;
  private final Clock clock;

  XWebhook(
      String provider, String channel, XSettings settings, ProviderEvents events, Clock clock) {
    this.provider = provider;
    this.channel = channel;
    this.settings = settings;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public String segment() {
    return "webhook";
  }

  @Override
  public CompletionStage<EndpointReply> handle(EndpointRequest request) {
    if (!request.path().isEmpty()) {
      return done(EndpointReply.notFound());
    }
    return switch (request.method()) {
      case "GET" -> done(crc(request));
      case "POST" -> events(request);
      default -> done(EndpointReply.notFound());
    };
  }

  private EndpointReply crc(EndpointRequest request) {
    String token = request.queryParameter("crc_token").orElse("");
    if (token.isEmpty()) {
      return EndpointReply.invalid("crc_token is required");
    }
    if (!XSignatures.acceptableCrcToken(token)) {
      return EndpointReply.invalid("crc_token is not a token X sends");
    }
    String answer =
        MAPPER
            .createObjectNode()
            .put("response_token", XSignatures.crcResponseToken(settings.consumerSecret(), token))
            .toString();
    return EndpointReply.json(answer);
  }

  private CompletionStage<EndpointReply> events(EndpointRequest request) {
    String signature = request.header("x-twitter-webhooks-signature").orElse(null);
    if (!XSignatures.verify(settings.consumerSecret(), request.body(), signature)) {
      return done(
          EndpointReply.unauthorized(
              "x-twitter-webhooks-signature is missing or does not match the body"));
    }
    XDmEvents.Batch batch;
    try {
      batch = XDmEvents.parse(request.body());
    } catch (IllegalArgumentException e) {
      return done(EndpointReply.invalid("the body is not an X activity event"));
    }
    List<InboundMessage> messages = batch.messages().stream().map(this::inbound).toList();
    LOG.info(
        "x webhook call: provider={} channel={} messages={} skipped={} ids={}",
        provider,
        channel,
        messages.size(),
        batch.skipped(),
        messages.stream().map(InboundMessage::id).toList());
    CompletableFuture<?>[] durable =
        messages.stream()
            .map(m -> events.inbound(m).toCompletableFuture())
            .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(durable)
        .orTimeout(settings.webhookTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(ok -> EndpointReply.ok());
  }

  private InboundMessage inbound(XDmEvents.Dm dm) {
    return new InboundMessage(
        inboundId(settings.account(), dm.eventId()),
        settings.account(),
        channel,
        provider,
        dm.senderId(),
        dm.recipientId(),
        dm.text(),
        dm.createdAt() != null ? dm.createdAt() : clock.instant());
  }

  /** Ours for X's DM event {@code eventId}: the same every time X delivers it. */
  static String inboundId(String account, String eventId) {
    return "in_" + MessageIds.forIdempotencyKey(account, "twitter-dm:" + eventId).substring(4);
  }

  private static CompletionStage<EndpointReply> done(EndpointReply reply) {
    return CompletableFuture.completedFuture(reply);
  }
}
