package dev.switchboard.engine.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.message.MessageStatus;
import dev.switchboard.engine.message.OutboundMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageDocumentTest {
  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00.123Z");

  private static MessageView view(String channel, String text) {
    OutboundMessage message =
        new OutboundMessage(
            "msg_1", "acme", channel, "+447700900123", null, text, null, 0, Map.of(), T0);
    return new MessageView(
        message,
        MessageStatus.ACCEPTED,
        0,
        List.of(new HistoryEntry(MessageStatus.ACCEPTED, T0, null, null)),
        null,
        T0);
  }

  @Test
  void smsReadShowsSegmentsAndEncodingAsTheAcceptanceDoes() {
    MessageView sms = view("sms", "Привет");

    Map<String, Object> read = MessageDocument.view(sms);
    Map<String, Object> accepted = MessageDocument.accepted(sms.message());

    assertThat(read).containsEntry("segments", 1).containsEntry("encoding", "UCS-2");
    assertThat(accepted).containsEntry("segments", 1).containsEntry("encoding", "UCS-2");
  }

  @Test
  void otherChannelsHaveNoSegments() {
    assertThat(MessageDocument.view(view("sandbox", "hi")))
        .doesNotContainKeys("segments", "encoding")
        .containsEntry("status", "accepted")
        .containsEntry("terminal", false)
        .containsEntry("error", null);
  }

  @Test
  void aSentMessagePastItsReceiptWindowReadsTerminal() {
    MessageView sent = view("sandbox", "hi");
    MessageView closed =
        new MessageView(
            sent.message(),
            MessageStatus.SENT,
            1,
            sent.history(),
            new MessageError("no_receipt", "no delivery receipt within 48h"),
            T0,
            true);

    assertThat(MessageDocument.view(closed))
        .containsEntry("status", "sent")
        .containsEntry("terminal", true);
  }
}
