package dev.switchboard.engine.provider;

import dev.switchboard.engine.CborSerializable;
import java.time.Instant;

/**
 * A provider's word on a message it took: delivered to the handset (or read there), or not. Travels
 * through the channel's receipts queue, where it is matched to its message.
 *
 * @param provider the instance that took the message (the receipt index is per instance)
 * @param providerMessageId the id the provider gave the message (or one of its parts)
 * @param messageId our id, when the provider knows it (null for most: found through the index)
 * @param errorCode the provider's code when not delivered; null when delivered
 */
public record DeliveryReceipt(
    String channel,
    String provider,
    String providerMessageId,
    String messageId,
    Outcome outcome,
    String errorCode,
    Instant at)
    implements CborSerializable {

  /** What the provider reports; {@code READ} also means delivered (a read message was). */
  public enum Outcome {
    DELIVERED,
    READ,
    FAILED,
    EXPIRED
  }
}
