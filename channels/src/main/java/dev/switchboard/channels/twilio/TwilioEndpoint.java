package dev.switchboard.channels.twilio;

import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.EndpointReply;
import dev.switchboard.engine.provider.EndpointRequest;
import dev.switchboard.engine.provider.InboundMessage;
import dev.switchboard.engine.provider.ProviderEndpoint;
import dev.switchboard.engine.provider.ProviderEvents;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Twilio calls: {@code POST .../status} (status callbacks) and {@code POST .../inbound} (SMS
 * to our number), each form-encoded and signed with {@code X-Twilio-Signature}, checked before
 * anything else is read. A final status becomes a receipt, an inbound SMS an inbound message; each
 * is answered once it is durable ({@code <Response/>} TwiML for an inbound message, so Twilio sends
 * no reply).
 */
final class TwilioEndpoint implements ProviderEndpoint {
  private static final Logger log = LoggerFactory.getLogger(TwilioEndpoint.class);
  static final String STATUS = "status";
  static final String INBOUND = "inbound";
  static final String EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

  private final String channel;
  private final String provider;
  private final TwilioSettings settings;
  private final ProviderEvents events;
  private final Clock clock;

  TwilioEndpoint(
      String channel,
      String provider,
      TwilioSettings settings,
      ProviderEvents events,
      Clock clock) {
    this.channel = channel;
    this.provider = provider;
    this.settings = settings;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public String segment() {
    return settings.segment();
  }

  @Override
  public CompletionStage<EndpointReply> handle(EndpointRequest request) {
    String path = request.path();
    if (!request.method().equals("POST") || !(path.equals(STATUS) || path.equals(INBOUND))) {
      return answer(EndpointReply.notFound());
    }
    Optional<String> signature = request.header("x-twilio-signature");
    if (signature.isEmpty()) {
      return answer(EndpointReply.unauthorized("X-Twilio-Signature is missing"));
    }
    Map<String, List<String>> form;
    try {
      form = request.form();
    } catch (IllegalArgumentException e) {
      return answer(EndpointReply.invalid("the body is not form-encoded"));
    }
    if (!TwilioSignature.valid(settings.authToken(), request.url(), form, signature.get())) {
      return answer(
          EndpointReply.unauthorized("X-Twilio-Signature does not match this URL and body"));
    }
    return path.equals(STATUS) ? status(form) : inbound(form);
  }

  private CompletionStage<EndpointReply> status(Map<String, List<String>> form) {
    Optional<DeliveryReceipt> receipt;
    try {
      receipt = TwilioCallbacks.receipt(channel, provider, form, clock.instant());
    } catch (IllegalArgumentException e) {
      return answer(EndpointReply.invalid(e.getMessage()));
    }
    if (receipt.isEmpty()) {
      // queued, sending, sent...: on its way, nothing to record.
      return answer(EndpointReply.ok());
    }
    DeliveryReceipt r = receipt.get();
    return events
        .receipt(r)
        .thenApply(
            done -> {
              log.debug(
                  "twilio receipt recorded: channel={} provider={} sid={} outcome={} code={}",
                  channel,
                  provider,
                  r.providerMessageId(),
                  r.outcome(),
                  r.errorCode());
              return EndpointReply.ok();
            });
  }

  private CompletionStage<EndpointReply> inbound(Map<String, List<String>> form) {
    InboundMessage message;
    try {
      message =
          TwilioCallbacks.inbound(settings.account(), channel, provider, form, clock.instant());
    } catch (IllegalArgumentException e) {
      return answer(EndpointReply.invalid(e.getMessage()));
    }
    return events
        .inbound(message)
        .thenApply(
            done -> {
              log.info(
                  "twilio inbound recorded: channel={} provider={} id={} from={}",
                  channel,
                  provider,
                  message.id(),
                  message.from());
              return EndpointReply.xml(EMPTY_TWIML);
            });
  }

  private static CompletionStage<EndpointReply> answer(EndpointReply reply) {
    return CompletableFuture.completedFuture(reply);
  }
}
