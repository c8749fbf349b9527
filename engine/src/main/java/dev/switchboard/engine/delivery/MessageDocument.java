package dev.switchboard.engine.delivery;

import dev.switchboard.engine.message.ChannelKind;
import dev.switchboard.engine.message.MessageStatus;
import dev.switchboard.engine.message.OutboundMessage;
import dev.switchboard.engine.message.SmsEncoding;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A message as API.md shows it, as JSON-ready maps: the one renderer behind the API's answers and
 * the {@code data} of a {@code message.status} webhook, so the two can never differ.
 */
public final class MessageDocument {
  private MessageDocument() {}

  /** The answer to a send: the message as accepted (the first answer, also for a repeat). */
  public static Map<String, Object> accepted(OutboundMessage message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", message.id());
    body.put("status", MessageStatus.ACCEPTED.wireName());
    body.put("channel", message.channel());
    body.put("to", message.to());
    body.put("createdAt", message.createdAt().toString());
    putSms(body, message);
    return body;
  }

  /** The answer to a read, and what a status webhook carries. */
  public static Map<String, Object> view(MessageView view) {
    OutboundMessage message = view.message();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", message.id());
    body.put("channel", message.channel());
    body.put("to", message.to());
    if (message.from() != null) {
      body.put("from", message.from());
    }
    body.put("status", view.status().wireName());
    body.put("terminal", view.terminal());
    body.put("createdAt", message.createdAt().toString());
    body.put("updatedAt", view.updatedAt().toString());
    body.put("attempts", view.attempts());
    body.put("history", history(view.history()));
    body.put("error", error(view.error()));
    putSms(body, message);
    if (!message.metadata().isEmpty()) {
      body.put("metadata", message.metadata());
    }
    return body;
  }

  // Carriers bill per segment, so every answer about an SMS says how it is sent.
  private static void putSms(Map<String, Object> body, OutboundMessage message) {
    if (ChannelKind.SMS.wireName().equals(message.channel())) {
      SmsEncoding.Result sms = SmsEncoding.analyse(message.text());
      body.put("segments", sms.segments());
      body.put("encoding", sms.encoding().label());
    }
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
