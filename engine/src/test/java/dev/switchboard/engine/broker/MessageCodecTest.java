package dev.switchboard.engine.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.switchboard.engine.message.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageCodecTest {

  @Test
  void aMessageSurvivesTheRoundTrip() {
    OutboundMessage message =
        new OutboundMessage(
            "msg_01M8FDC5GJSKXTKVR32EC2336P",
            "acme",
            "sms",
            "+447700900123",
            "Shop",
            "Hi",
            "https://example.com/h",
            60,
            Map.of("order", "42"),
            Instant.parse("2026-11-27T10:00:00Z"));

    assertThat(MessageCodec.decode(MessageCodec.encode(message))).isEqualTo(message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "null", "42", "[]", "\"text\"", "{}", "{not json", "{\"id\":\"x\"}"})
  void anythingButACompleteMessageIsRejectedAsPoison(String body) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> MessageCodec.decode(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void noTimeToLiveOverflowsTheExpiryCheck() {
    OutboundMessage forever =
        new OutboundMessage(
            "msg_01M8FDC5GJSKXTKVR32EC2336P",
            "acme",
            "sms",
            "+447700900123",
            null,
            "Hi",
            null,
            Long.MAX_VALUE,
            Map.of(),
            Instant.parse("2026-11-27T10:00:00Z"));

    assertThat(forever.expiredAt(Instant.parse("2126-11-27T10:00:00Z"))).isFalse();
  }
}
