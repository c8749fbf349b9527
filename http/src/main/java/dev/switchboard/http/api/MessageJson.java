package dev.switchboard.http.api;

import dev.switchboard.engine.delivery.HistoryEntry;
import dev.switchboard.engine.delivery.MessageError;
import dev.switchboard.engine.delivery.MessageView;
import dev.switchboard.engine.message.ChannelKind;
import dev.switchboard.engine.message.MessageStatus;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.message.SmsEncoding;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of API.md for a message. */
final class MessageJson {
  private MessageJson() {}

  /** The answer to a send: the message as accepted (the first answer, also for a repeat). */
  static Map<String, Object> accepted(OutboundMessage message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", message.id());
    body.put("status", MessageStatus.ACCEPTED.wireName());
    body.put("channel", message.channel());
    body.put("to", message.to());
    body.put("createdAt", message.createdAt().toString());
    if (ChannelKind.SMS.wireName().equals(message.channel())) {
      SmsEncoding.Result sms = SmsEncoding.analyse(message.text());
      body.put("segments", sms.segments());
      body.put("encoding", sms.encoding().label());
    }
    return body;
  }

  /** The answer to a read. */
  static Map<String, Object> view(MessageView view) {
    OutboundMessage message = view.message();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", message.id());
    body.put("channel", message.channel());
    body.put("to", message.to());
    if (message.from() != null) {
      body.put("from", message.from());
    }
    body.put("status", view.status().wireName());
    body.put("createdAt", message.createdAt().toString());
    body.put("updatedAt", view.updatedAt().toString());
    body.put("attempts", view.attempts());
    body.put("history", history(view.history()));
    body.put("error", error(view.error()));
    if (!message.metadata().isEmpty()) {
      body.put("metadata", message.metadata());
    }
    return body;
  }

  private static List<Map<String, Object>> history(List<HistoryEntry> history) {
    return history.stream()
        .map(
            entry -> {
              Map<String, Object> step = new LinkedHashMap<>();
              step.put("status", entry.status().wireName());
              step.put("at", entry.at().toString());
              if (entry.providerMessageId() != null) {
                step.put("providerMessageId", entry.providerMessageId());
              }
              if (entry.error() != null) {
                step.put("error", error(entry.error()));
              }
              return step;
            })
        .toList();
  }

  private static Map<String, Object> error(MessageError error) {
    if (error == null) {
      return null;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", error.code());
    body.put("message", error.message());
    return body;
  }
}
