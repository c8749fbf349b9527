package dev.switchboard.channels.smpp;

import dev.switchboard.engine.message.OutboundMessage;

/**
 * What one message becomes on the wire, worked out before anything is sent: addresses, segments and
 * validity.
 *
 * @param validity the absolute validity_period, or null for the SMSC's default
 */
record SmppSubmit(SmppAddress source, SmppAddress destination, EncodedSms sms, String validity) {

  /**
   * @throws IllegalArgumentException when the message cannot be sent as it is (no sender, a bad
   *     address, too many segments): a permanent failure
   */
  static SmppSubmit of(OutboundMessage message, SmppSettings settings, int reference) {
    String from =
        message.from() == null || message.from().isBlank() ? settings.source() : message.from();
    if (from == null || from.isBlank()) {
      throw new IllegalArgumentException("no sender: the message has none and source is not set");
    }
    return new SmppSubmit(
        SmppAddress.source(from),
        SmppAddress.destination(message.to()),
        SmsSegmenter.segment(message.text(), reference),
        ValidityPeriod.of(message.createdAt(), message.ttlSeconds()));
  }
}
