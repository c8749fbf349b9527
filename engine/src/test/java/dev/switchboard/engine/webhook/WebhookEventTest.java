package dev.switchboard.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.engine.delivery.HistoryEntry;
import dev.switchboard.engine.delivery.MessageDocument;
import dev.switchboard.engine.delivery.MessageView;
import dev.switchboard.engine.message.MessageStatus;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.provider.InboundMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookEventTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00.123Z");

  static MessageView view(String id, String callbackUrl, MessageStatus... steps) {
    OutboundMessage message =
        new OutboundMessage(
            id, "acme", "sms", "+447700900123", null, "Hello", callbackUrl, 0, Map.of(), T0);
    List<HistoryEntry> history =
        java.util.stream.IntStream.range(0, steps.length)
            .mapToObj(i -> new HistoryEntry(steps[i], T0.plusSeconds(i), null, null))
            .toList();
    return new MessageView(
        message, steps[steps.length - 1], 1, history, null, T0.plusSeconds(steps.length - 1));
  }

  @Test
  void statusEventIdIsTheMessageAndTheHistoryStepItReports() {
    MessageView sent =
        view("msg_1", "https://example.com/h", MessageStatus.ACCEPTED, MessageStatus.SENDING);
    MessageView delivered =
        view(
            "msg_1",
            "https://example.com/h",
            MessageStatus.ACCEPTED,
            MessageStatus.SENDING,
            MessageStatus.DELIVERED);

    assertThat(WebhookEvent.status(sent).id()).isEqualTo("evt_msg_1_1");
    assertThat(WebhookEvent.status(sent)).isEqualTo(WebhookEvent.status(sent));
    assertThat(WebhookEvent.status(delivered).id()).isEqualTo("evt_msg_1_2");
    assertThat(
            WebhookEvent.status(view("msg_2", "https://example.com/h", MessageStatus.ACCEPTED))
                .id())
        .isEqualTo("evt_msg_2_0");
  }

  @Test
  void statusBodyCarriesTheMessageAsTheApiReadsIt() throws Exception {
    MessageView v =
        view("msg_1", "https://example.com/h", MessageStatus.ACCEPTED, MessageStatus.SENDING);
    WebhookEvent event = WebhookEvent.status(v);

    JsonNode body = MAPPER.readTree(event.body());
    assertThat(body.path("type").asText()).isEqualTo("message.status");
    assertThat(body.path("id").asText()).isEqualTo(event.id());
    assertThat(body.path("createdAt").asText()).isEqualTo(T0.plusSeconds(1).toString());
    assertThat(body.path("data")).isEqualTo(MAPPER.valueToTree(MessageDocument.view(v)));
    assertThat(body.path("data").path("encoding").asText()).isEqualTo("GSM-7");
    assertThat(body.path("data").path("segments").asInt()).isEqualTo(1);
    assertThat(event.url()).isEqualTo("https://example.com/h");
    assertThat(event.account()).isEqualTo("acme");
  }

  @Test
  void inboundEventIdAndBody() throws Exception {
    InboundMessage in =
        new InboundMessage(
            "in_7", "acme", "sms", "smsc-1", "+447700900999", "+447700900000", "Hi", T0);

    WebhookEvent event = WebhookEvent.inbound(in, "https://example.com/in");

    assertThat(event.id()).isEqualTo("evt_in_7");
    assertThat(WebhookEvent.inbound(in, "https://example.com/in")).isEqualTo(event);
    JsonNode body = MAPPER.readTree(event.body());
    assertThat(body.path("type").asText()).isEqualTo("message.inbound");
    assertThat(body.path("id").asText()).isEqualTo("evt_in_7");
    assertThat(body.path("createdAt").asText()).isEqualTo(T0.toString());
    List<String> fields = new java.util.ArrayList<>();
    body.path("data").fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactly("id", "channel", "from", "to", "text", "receivedAt", "provider");
    assertThat(body.path("data").path("provider").asText()).isEqualTo("smsc-1");
  }

  @Test
  void cursorRoundTripsAndRejectsGarbage() {
    FailedPage.Cursor cursor = new FailedPage.Cursor(T0, "evt_msg_1_2");

    assertThat(FailedPage.Cursor.parse(cursor.encode())).contains(cursor);
    assertThat(FailedPage.Cursor.parse("!!!")).isEmpty();
    assertThat(FailedPage.Cursor.parse("")).isEmpty();
    assertThat(FailedPage.Cursor.parse("bm90LWEtbnVtYmVyOng")).isEmpty();
  }
}
