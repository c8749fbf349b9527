package dev.switchboard.channels.messenger;

import dev.switchboard.engine.message.MessageIds;
import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.EndpointReply;
import dev.switchboard.engine.provider.EndpointRequest;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.provider.ProviderEndpoint;
import dev.switchboard.engine.provider.ProviderEvents;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/channels/<channel>/webhook}: what Meta calls. {@code GET} is the subscription
 * handshake ({@code hub.mode=subscribe}, the verify token compared in constant time, the raw {@code
 * hub.challenge} answered). {@code POST} carries events: the {@code X-Hub-Signature-256} is checked
 * over the raw bytes before anything is read; then each person's message becomes an inbound message
 * (its id derived from Meta's {@code mid}, so a webhook Meta sends again is the same message), each
 * delivery a {@code DELIVERED} receipt per mid, and each read a {@code READ} receipt per message
 * this instance sent to that person before the watermark ({@link RecentSends}); echoes of the
 * Page's own messages are ignored. Meta is answered {@code 200} once all of it is durable.
 */
final class MessengerWebhook implements ProviderEndpoint {
  private static final Logger log = LoggerFactory.getLogger(MessengerWebhook.class);

  private final String channel;
  private final String provider;
  private final MessengerSettings settings;
  private final ProviderEvents events;
  private final RecentSends recent;
  private final Clock clock;

  MessengerWebhook(
      String channel,
      String provider,
      MessengerSettings settings,
      ProviderEvents events,
      RecentSends recent,
      Clock clock) {
    this.channel = channel;
    this.provider = provider;
    this.settings = settings;
    this.events = events;
    this.recent = recent;
    this.clock = clock;
  }

  @Override
  public String segment() {
    return settings.webhookSegment();
  }

  @Override
  public CompletionStage<EndpointReply> handle(EndpointRequest request) {
    if (!request.path().isEmpty()) {
      return done(EndpointReply.notFound());
    }
    return switch (request.method()) {
      case "GET" -> done(handshake(request));
      case "POST" -> events(request);
      default -> done(EndpointReply.notFound());
    };
  }

  private EndpointReply handshake(EndpointRequest request) {
    boolean subscribe = request.queryParameter("hub.mode").filter("subscribe"::equals).isPresent();
    boolean token =
        HubSignature.sameSecret(
            settings.verifyToken(), request.queryParameter("hub.verify_token").orElse(null));
    String challenge = request.queryParameter("hub.challenge").orElse("");
    if (!subscribe || !token || challenge.isEmpty()) {
      // Anyone may call: counted (outcome forbidden), and logged only at debug.
      log.debug(
          "messenger handshake refused: channel={} provider={} mode={} tokenMatches={}",
          channel,
          provider,
          request.queryParameter("hub.mode").orElse(""),
          token);
      return EndpointReply.forbidden("the subscription's verify token does not match");
    }
    log.info("messenger webhook subscription verified: channel={} provider={}", channel, provider);
    return EndpointReply.text(challenge);
  }

  private CompletionStage<EndpointReply> events(EndpointRequest request) {
    if (settings.appSecret().isEmpty()) {
      return done(EndpointReply.unauthorized("no app secret is configured to check the signature"));
    }
    String signature = request.header(HubSignature.HEADER).orElse(null);
    if (signature == null) {
      return done(EndpointReply.unauthorized("X-Hub-Signature-256 is missing"));
    }
    if (!HubSignature.matches(settings.appSecret(), request.body(), signature)) {
      return done(EndpointReply.unauthorized("X-Hub-Signature-256 does not match the body"));
    }
    List<WebhookPayload.Event> parsed;
    try {
      parsed = WebhookPayload.parse(request.body());
    } catch (IllegalArgumentException e) {
      return done(EndpointReply.invalid(e.getMessage()));
    }
    List<CompletableFuture<Void>> durable = new ArrayList<>();
    for (WebhookPayload.Event event : parsed) {
      durable.add(report(event));
    }
    return CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new))
        .thenApply(all -> EndpointReply.ok());
  }

  private CompletableFuture<Void> report(WebhookPayload.Event event) {
    if (event instanceof WebhookPayload.Message message) {
      return events.inbound(inbound(message)).toCompletableFuture();
    }
    if (event instanceof WebhookPayload.Delivery delivery) {
      // The mids Meta names, and those this instance sent before the watermark.
      Set<String> mids = new LinkedHashSet<>(delivery.mids());
      if (delivery.watermark() > 0) {
        mids.addAll(recent.sentBy(delivery.from(), delivery.watermark()));
      }
      return receipts(mids, DeliveryReceipt.Outcome.DELIVERED);
    }
    if (event instanceof WebhookPayload.Read read) {
      List<String> mids = recent.sentBy(read.from(), read.watermark());
      return receipts(mids, DeliveryReceipt.Outcome.READ)
          .thenRun(() -> recent.forget(read.from(), read.watermark()));
    }
    if (event instanceof WebhookPayload.Ignored ignored) {
      log.debug(
          "messenger event ignored: channel={} provider={} kind={} why={}",
          channel,
          provider,
          ignored.kind(),
          ignored.why());
    }
    // An echo of the Page's own message is not a person writing.
    return CompletableFuture.completedFuture(null);
  }

  private CompletableFuture<Void> receipts(Iterable<String> mids, DeliveryReceipt.Outcome outcome) {
    List<CompletableFuture<Void>> durable = new ArrayList<>();
    for (String mid : mids) {
      DeliveryReceipt receipt =
          new DeliveryReceipt(channel, provider, mid, null, outcome, null, clock.instant());
      durable.add(events.receipt(receipt).toCompletableFuture());
    }
    return CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new));
  }

  private InboundMessage inbound(WebhookPayload.Message message) {
    return new InboundMessage(
        inboundId(provider, message.mid()),
        settings.account(),
        channel,
        provider,
        message.from(),
        message.to(),
        message.text(),
        clock.instant());
  }

  /** {@code in_} and 26 characters derived from the instance and Meta's mid: stable per message. */
  static String inboundId(String provider, String mid) {
    return "in_" + MessageIds.forIdempotencyKey("messenger:" + provider, mid).substring(4);
  }

  private static CompletionStage<EndpointReply> done(EndpointReply reply) {
    return CompletableFuture.completedFuture(reply);
  }
}
