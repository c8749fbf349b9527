package dev.switchboard.channels.messenger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a webhook {@code POST}'s body, {@code {"object":"page","entry":[{"messaging":[...]}]}},
 * into the events it carries, in order (webhook-events/messages, message-deliveries, message-reads,
 * message-echoes). An item this adapter does not act on (postbacks, reactions, a message with no
 * text, a malformed item) is {@link Ignored} with why: Meta signed it, and refusing the whole call
 * would only make Meta send it again.
 */
final class WebhookPayload {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One item of a {@code messaging} array. */
  sealed interface Event {}

  /** A person wrote to the Page. */
  record Message(String mid, String from, String to, String text) implements Event {}

  /** A copy of a message the Page sent (through us or anyone else). */
  record Echo(String mid) implements Event {}

  /**
   * Messages to {@code from} were delivered: those named by {@code mids} (may be empty), and every
   * message sent before {@code watermark} (epoch milliseconds).
   */
  record Delivery(String from, List<String> mids, long watermark) implements Event {}

  /** {@code from} read every message sent before {@code watermark} (epoch milliseconds). */
  record Read(String from, long watermark) implements Event {}

  /** Not acted on. */
  record Ignored(String kind, String why) implements Event {}

  private WebhookPayload() {}

  /**
   * @throws IllegalArgumentException when the body is not JSON, or not a Page subscription's event
   */
  static List<Event> parse(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the body is not JSON");
    } catch (IOException e) {
      throw new IllegalArgumentException("the body could not be read");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the body is not a JSON object");
    }
    if (!"page".equals(root.path("object").asText(null))) {
      throw new IllegalArgumentException("object must be \"page\"");
    }
    JsonNode entries = root.path("entry");
    if (!entries.isArray()) {
      throw new IllegalArgumentException("entry must be an array");
    }
    List<Event> events = new ArrayList<>();
    for (JsonNode entry : entries) {
      for (JsonNode item : entry.path("messaging")) {
        events.add(event(item));
      }
    }
    return events;
  }

  private static Event event(JsonNode item) {
    String from = text(item.path("sender").path("id"));
    if (item.has("message")) {
      JsonNode message = item.path("message");
      String mid = text(message.path("mid"));
      if (message.path("is_echo").asBoolean(false)) {
        return new Echo(mid);
      }
      String to = text(item.path("recipient").path("id"));
      if (mid == null || from == null || to == null) {
        return new Ignored("message", "no mid, sender or recipient");
      }
      String text = message.path("text").isTextual() ? message.path("text").asText() : null;
      if (text == null || text.isEmpty()) {
        return new Ignored("message", "no text (attachments, stickers)");
      }
      return new Message(mid, from, to, text);
    }
    if (item.has("delivery")) {
      JsonNode delivery = item.path("delivery");
      List<String> mids = new ArrayList<>();
      for (JsonNode mid : delivery.path("mids")) {
        if (mid.isTextual() && !mid.asText().isEmpty()) {
          mids.add(mid.asText());
        }
      }
      if (from == null) {
        return new Ignored("delivery", "no sender");
      }
      return new Delivery(from, List.copyOf(mids), delivery.path("watermark").asLong(0));
    }
    if (item.has("read")) {
      long watermark = item.path("read").path("watermark").asLong(0);
      if (from == null || watermark <= 0) {
        return new Ignored("read", "no sender or watermark");
      }
      return new Read(from, watermark);
    }
    return new Ignored(kind(item), "not acted on");
  }

  // The first key that is not common to every item: postback, reaction, optin, referral, ...
  private static String kind(JsonNode item) {
    for (var names = item.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("sender") && !name.equals("recipient") && !name.equals("timestamp")) {
        return name;
      }
    }
    return "unknown";
  }

  // Ids arrive as strings; a number is read as its digits.
  private static String text(JsonNode node) {
    if (node.isTextual() && !node.asText().isEmpty()) {
      return node.asText();
    }
    return node.isIntegralNumber() ? node.asText() : null;
  }
}
