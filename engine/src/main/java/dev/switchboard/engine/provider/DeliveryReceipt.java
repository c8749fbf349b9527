package dev.switchboard.engine.provider;

import dev.switchboard.engine.CborSerializable;
import java.time.Instant;

/**
 * A provider's final word on a message it took: delivered to the handset, or not.
 *
 * @param errorCode null when delivered
 */
public record DeliveryReceipt(
    String messageId, String providerMessageId, Outcome outcome, String errorCode, Instant at)
    implements CborSerializable {

  public enum Outcome {
    DELIVERED,
    FAILED,
    EXPIRED
  }
}
