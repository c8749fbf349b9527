package dev.switchboard.engine.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.engine.delivery.HistoryEntry;
import dev.switchboard.engine.delivery.MessageDocument;
import dev.switchboard.engine.delivery.MessageView;
import dev.switchboard.engine.provider.InboundMessage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One event for a customer, as queued: its id, where it goes, and the exact body that is signed and
 * sent. Everything in it derives from what it reports (the createdAt too), so building it twice
 * gives the same bytes.
 */
public record WebhookEvent(
    String id, String account, String type, String url, String body, Instant createdAt) {

  public static final String STATUS = "message.status";
  public static final String INBOUND = "message.inbound";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The status event for the newest step of {@code view}'s history, to its callback URL. */
  public static WebhookEvent status(MessageView view) {
    List<HistoryEntry> history = view.history();
    if (history.isEmpty()) {
      throw new IllegalArgumentException("a message without history has no status to report");
    }
    int index = history.size() - 1;
    String id = EventIds.status(view.message().id(), index);
    Instant at = history.get(index).at();
    return new WebhookEvent(
        id,
        view.message().account(),
        STATUS,
        view.message().callbackUrl(),
        body(STATUS, id, at, MessageDocument.view(view)),
        at);
  }

  /** The event forwarding {@code message} to {@code url}, its account's inbound URL. */
  public static WebhookEvent inbound(InboundMessage message, String url) {
    String id = EventIds.inbound(message.id());
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", message.id());
    data.put("channel", message.channel());
    data.put("from", message.from());
    data.put("to", message.to());
    data.put("text", message.text());
    data.put("receivedAt", message.receivedAt().toString());
    data.put("provider", message.provider());
    return new WebhookEvent(
        id,
        message.account(),
        INBOUND,
        url,
        body(INBOUND, id, message.receivedAt(), data),
        message.receivedAt());
  }

  private static String body(String type, String id, Instant createdAt, Map<String, Object> data) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type);
    body.put("id", id);
    body.put("createdAt", createdAt.toString());
    body.put("data", data);
    try {
      return MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an event of maps and strings is always serializable", e);
    }
  }
}
