package dev.switchboard.channels.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.engine.provider.DeliveryReceipt;
import dev.switchboard.engine.provider.InboundMessage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TwilioCallbacksTest {
  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  private static final String SID = "SM0123456789abcdef0123456789abcdef";

  private static Map<String, List<String>> form(String... pairs) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      form.put(pairs[i], List.of(pairs[i + 1]));
    }
    return form;
  }

  private static DeliveryReceipt receipt(String... pairs) {
    return TwilioCallbacks.receipt("sms", "twilio", form(pairs), NOW).orElse(null);
  }

  @Test
  void deliveredDelivers() {
    assertThat(
            receipt(
                "MessageSid", SID, "MessageStatus", "delivered", "RawDlrDoneDate", "2612031000"))
        .isEqualTo(
            new DeliveryReceipt(
                "sms", "twilio", SID, null, DeliveryReceipt.Outcome.DELIVERED, null, NOW));
  }

  @Test
  void undeliveredAndFailedFailWithTwiliosErrorCode() {
    assertThat(receipt("MessageSid", SID, "MessageStatus", "undelivered", "ErrorCode", "30003"))
        .isEqualTo(
            new DeliveryReceipt(
                "sms", "twilio", SID, null, DeliveryReceipt.Outcome.FAILED, "twilio_30003", NOW));
    assertThat(receipt("MessageSid", SID, "MessageStatus", "failed").errorCode())
        .isEqualTo("twilio_failed");
    assertThat(receipt("SmsSid", SID, "SmsStatus", "undelivered", "ErrorCode", "30007").errorCode())
        .isEqualTo("twilio_30007");
  }

  @Test
  void anExpiredValidityPeriodExpires() {
    assertThat(
            receipt("MessageSid", SID, "MessageStatus", "undelivered", "ErrorCode", "30036")
                .outcome())
        .isEqualTo(DeliveryReceipt.Outcome.EXPIRED);
  }

  @Test
  void intermediateStatusesReportNothing() {
    for (String status : List.of("queued", "sending", "sent", "accepted", "scheduled", "read")) {
      assertThat(receipt("MessageSid", SID, "MessageStatus", status)).as(status).isNull();
    }
  }

  @Test
  void aCallbackWithoutSidOrStatusIsRefused() {
    assertThatThrownBy(() -> receipt("MessageStatus", "delivered"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> receipt("MessageSid", SID))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anInboundSmsIsAMessageWhoseIdFollowsFromItsSid() {
    Map<String, List<String>> form =
        form(
            "MessageSid", SID,
            "AccountSid", "AC1",
            "From", "+447700900777",
            "To", "+15005550006",
            "Body", "Hello there");

    InboundMessage first = TwilioCallbacks.inbound("acme", "sms", "twilio", form, NOW);
    InboundMessage again =
        TwilioCallbacks.inbound("acme", "sms", "twilio", form, NOW.plusSeconds(9));
    InboundMessage other =
        TwilioCallbacks.inbound(
            "acme", "sms", "twilio", form("MessageSid", "SMother", "From", "+1"), NOW);

    assertThat(first)
        .isEqualTo(
            new InboundMessage(
                first.id(),
                "acme",
                "sms",
                "twilio",
                "+447700900777",
                "+15005550006",
                "Hello there",
                NOW));
    assertThat(first.id())
        .matches("in_[0-9A-Z]{26}")
        .isEqualTo(again.id())
        .isNotEqualTo(other.id());
    assertThat(other.text()).isEmpty();
    assertThatThrownBy(
            () -> TwilioCallbacks.inbound("acme", "sms", "twilio", form("MessageSid", SID), NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
