package dev.switchboard.channels.twitter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the direct messages a webhook call carries (PROVIDERS.md §5): the Account Activity shape
 * {@code {"for_user_id", "direct_message_events": [...]}} and the X Activity API envelope {@code
 * {"data": {"event_type": "dm.received", "filter": {"user_id"}, "payload":
 * {"direct_message_events": [...]}}}}. Only {@code message_create} events sent to the subscribed
 * user are messages: the DMs the user sent (ours, echoed back) and every other event type are left
 * out.
 */
public final class XDmEvents {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private XDmEvents() {}

  /**
   * One direct message a user sent us.
   *
   * @param eventId X's DM event id (the same on a redelivery)
   * @param createdAt X's {@code created_timestamp}, or null
   */
  public record Dm(
      String eventId, String senderId, String recipientId, String text, Instant createdAt) {}

  /**
   * What one call carries.
   *
   * @param messages the DMs users sent
   * @param skipped events left out: echoes of our own DMs, other types, incomplete ones
   */
  public record Batch(List<Dm> messages, int skipped) {}

  /**
   * Reads a webhook body.
   *
   * @throws IllegalArgumentException when it is not a JSON object
   */
  public static Batch parse(byte[] body) {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not JSON");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the body is not a JSON object");
    }
    if (root.path("direct_message_events").isArray()) {
      return read(root.path("direct_message_events"), text(root.path("for_user_id")));
    }
    JsonNode data = root.path("data");
    if ("dm.received".equals(text(data.path("event_type")))) {
      return read(
          data.path("payload").path("direct_message_events"),
          text(data.path("filter").path("user_id")));
    }
    return new Batch(List.of(), 1);
  }

  private static Batch read(JsonNode events, String forUser) {
    List<Dm> messages = new ArrayList<>();
    int skipped = 0;
    for (JsonNode event : events) {
      JsonNode create = event.path("message_create");
      String id = text(event.path("id"));
      String sender = text(create.path("sender_id"));
      String recipient = text(create.path("target").path("recipient_id"));
      String text =
          create.path("message_data").path("text").isTextual()
              ? create.path("message_data").path("text").asText()
              : null;
      if (!"message_create".equals(text(event.path("type")))
          || id == null
          || sender == null
          || recipient == null
          || text == null
          || sender.equals(forUser)) {
        skipped++;
        continue;
      }
      messages.add(new Dm(id, sender, recipient, text, createdAt(event)));
    }
    return new Batch(List.copyOf(messages), skipped);
  }

  private static Instant createdAt(JsonNode event) {
    String millis = text(event.path("created_timestamp"));
    try {
      return millis == null ? null : Instant.ofEpochMilli(Long.parseLong(millis));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  // X writes ids as strings; a number is taken as its digits.
  private static String text(JsonNode node) {
    if (node.isTextual() && !node.asText().isBlank()) {
      return node.asText();
    }
    return node.isIntegralNumber() ? node.asText() : null;
  }
}
