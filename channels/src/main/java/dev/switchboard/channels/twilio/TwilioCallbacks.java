package dev.switchboard.channels.twilio;

import dev.switchboard.engine.message.MessageIds;
import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.InboundMessage;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What Twilio's calls to us say, read from their (already verified) form parameters: a status
 * callback's final state as a {@link DeliveryReceipt}, an inbound SMS as an {@link InboundMessage}.
 */
public final class TwilioCallbacks {
  /** A message whose validity period ended in Twilio's queue. */
  static final String VALIDITY_EXPIRED = "30036";

  private TwilioCallbacks() {}

  /**
   * The receipt a status callback reports: {@code delivered} delivers, {@code undelivered} and
   * {@code failed} fail with {@code twilio_<ErrorCode>} (expire with 30036); every other status
   * ({@code queued}, {@code sending}, {@code sent}, ...) is on the way and reports nothing.
   *
   * @throws IllegalArgumentException when the call names no message or no status
   */
  public static Optional<DeliveryReceipt> receipt(
      String channel, String provider, Map<String, List<String>> form, Instant now) {
    String sid = first(form, "MessageSid").or(() -> first(form, "SmsSid")).orElse("");
    String status =
        first(form, "MessageStatus")
            .or(() -> first(form, "SmsStatus"))
            .orElse("")
            .toLowerCase(Locale.ROOT);
    if (sid.isBlank() || status.isBlank()) {
      throw new IllegalArgumentException("a status callback has MessageSid and MessageStatus");
    }
    String errorCode = first(form, "ErrorCode").filter(c -> c.matches("[0-9]{1,9}")).orElse(null);
    return switch (status) {
      case "delivered" ->
          Optional.of(
              new DeliveryReceipt(
                  channel, provider, sid, null, DeliveryReceipt.Outcome.DELIVERED, null, now));
      case "undelivered", "failed" ->
          Optional.of(
              new DeliveryReceipt(
                  channel,
                  provider,
                  sid,
                  null,
                  VALIDITY_EXPIRED.equals(errorCode)
                      ? DeliveryReceipt.Outcome.EXPIRED
                      : DeliveryReceipt.Outcome.FAILED,
                  "twilio_" + (errorCode == null ? status : errorCode),
                  now));
      default -> Optional.empty();
    };
  }

  /**
   * The inbound message a call carries. Its id is derived from Twilio's {@code MessageSid}, so a
   * call Twilio makes again (we answered late, or 503) is the same message and is forwarded to the
   * account once.
   *
   * @throws IllegalArgumentException when the call names no message or no sender
   */
  public static InboundMessage inbound(
      String account,
      String channel,
      String provider,
      Map<String, List<String>> form,
      Instant now) {
    String sid = first(form, "MessageSid").or(() -> first(form, "SmsMessageSid")).orElse("");
    String from = first(form, "From").orElse("");
    if (sid.isBlank() || from.isBlank()) {
      throw new IllegalArgumentException("an inbound message has MessageSid and From");
    }
    String accountSid = first(form, "AccountSid").orElse("");
    return new InboundMessage(
        inboundId(accountSid, sid),
        account,
        channel,
        provider,
        from,
        first(form, "To").orElse(""),
        first(form, "Body").orElse(""),
        now);
  }

  /** {@code in_} and 26 characters, the same for the same Twilio message. */
  static String inboundId(String accountSid, String messageSid) {
    return "in_" + MessageIds.forIdempotencyKey("twilio:" + accountSid, messageSid).substring(4);
  }

  private static Optional<String> first(Map<String, List<String>> form, String name) {
    List<String> values = form.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }
}
