package dev.switchboard.engine.broker;

import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.InboundMessage;

/** The broker payloads of a channel's three flows. */
public final class MessageCodec {
  public static final String CONTENT_TYPE = JsonCodec.CONTENT_TYPE;

  public static final JsonCodec<OutboundMessage> OUTBOUND =
      new JsonCodec<>(
          OutboundMessage.class,
          m ->
              m.id() != null
                  && m.account() != null
                  && m.channel() != null
                  && m.to() != null
                  && m.text() != null
                  && m.createdAt() != null);

  public static final JsonCodec<DeliveryReceipt> RECEIPT =
      new JsonCodec<>(
          DeliveryReceipt.class,
          r ->
              r.channel() != null
                  && r.provider() != null
                  && r.outcome() != null
                  && r.at() != null
                  && (r.messageId() != null || r.providerMessageId() != null));

  public static final JsonCodec<InboundMessage> INBOUND =
      new JsonCodec<>(
          InboundMessage.class,
          m ->
              m.id() != null
                  && m.account() != null
                  && m.channel() != null
                  && m.from() != null
                  && m.text() != null
                  && m.receivedAt() != null);

  private MessageCodec() {}

  public static byte[] encode(OutboundMessage message) {
    return OUTBOUND.encode(message);
  }

  /**
   * Reads a message, or fails with the reason it is not one (a poison message).
   *
   * @throws IllegalArgumentException when the bytes are not a complete message
   */
  public static OutboundMessage decode(byte[] body) {
    return OUTBOUND.decode(body);
  }
}
