package dev.switchboard.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.engine.message.FieldError;
import dev.switchboard.engine.webhook.TargetPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@code POST /v1/messages/batch} body: {@code {"messages": [...]}} with 1..{@value #MAX_ITEMS}
 * items. Only the envelope can refuse the whole request; each item is validated on its own, as a
 * {@link MessageRequest} plus an optional {@code idempotencyKey}, so one bad item never rejects the
 * others.
 */
public record BatchRequest(List<Item> items) {
  static final int MAX_ITEMS = 100;
  static final String MESSAGES = "messages";
  static final String IDEMPOTENCY_KEY = "idempotencyKey";

  public BatchRequest {
    items = List.copyOf(items);
  }

  /** The envelope is a batch, or the reason the whole request is refused (400). */
  public sealed interface Parsed {}

  public record Valid(BatchRequest batch) implements Parsed {}

  public record Invalid(FieldError error) implements Parsed {}

  /** One item, at its position in the request. */
  public sealed interface Item {
    int index();
  }

  /** A valid message; the key, when given, names the message as a single send's header does. */
  public record ValidItem(int index, MessageRequest request, Optional<String> idempotencyKey)
      implements Item {}

  /** An item that is not a valid message; {@code error.field} is relative to the item. */
  public record InvalidItem(int index, FieldError error) implements Item {}

  public static Parsed parse(JsonNode body, Set<String> enabledChannels, TargetPolicy targets) {
    if (!body.isObject()) {
      return new Invalid(new FieldError(null, "the body must be a JSON object"));
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!MESSAGES.equals(name)) {
        return new Invalid(new FieldError(name, "is not a field of a batch"));
      }
    }
    JsonNode messages = body.get(MESSAGES);
    if (messages == null || !messages.isArray()) {
      return new Invalid(new FieldError(MESSAGES, "must be an array of messages"));
    }
    if (messages.isEmpty() || messages.size() > MAX_ITEMS) {
      return new Invalid(
          new FieldError(
              MESSAGES, "must hold 1.." + MAX_ITEMS + " messages, not " + messages.size()));
    }
    List<Item> items = new ArrayList<>(messages.size());
    // Two items with one key would name one message: the later ones are refused, not merged.
    Map<String, Integer> keys = new HashMap<>();
    for (int i = 0; i < messages.size(); i++) {
      items.add(item(i, messages.get(i), enabledChannels, targets, keys));
    }
    return new Valid(new BatchRequest(items));
  }

  private static Item item(
      int index,
      JsonNode node,
      Set<String> enabledChannels,
      TargetPolicy targets,
      Map<String, Integer> keys) {
    if (!node.isObject()) {
      return new InvalidItem(index, new FieldError(null, "a message must be a JSON object"));
    }
    ObjectNode message = (ObjectNode) node;
    Optional<String> key = Optional.empty();
    JsonNode keyNode = message.get(IDEMPOTENCY_KEY);
    if (keyNode != null && !keyNode.isNull()) {
      if (!keyNode.isTextual()
          || keyNode.textValue().isEmpty()
          || keyNode.textValue().length() > MessageRoutes.MAX_IDEMPOTENCY_KEY) {
        return new InvalidItem(
            index,
            new FieldError(
                IDEMPOTENCY_KEY,
                "must be a string of 1.." + MessageRoutes.MAX_IDEMPOTENCY_KEY + " characters"));
      }
      key = Optional.of(keyNode.textValue());
    }
    if (keyNode != null) {
      // The key is the batch's addition; the rest must be exactly a single send's body.
      message = message.deepCopy();
      message.remove(IDEMPOTENCY_KEY);
    }
    MessageRequest.Parsed parsed = MessageRequest.parse(message, enabledChannels, targets);
    if (parsed instanceof MessageRequest.Invalid invalid) {
      return new InvalidItem(index, invalid.error());
    }
    if (key.isPresent()) {
      Integer first = keys.putIfAbsent(key.get(), index);
      if (first != null) {
        return new InvalidItem(
            index, new FieldError(IDEMPOTENCY_KEY, "repeats the key of message " + first));
      }
    }
    return new ValidItem(index, ((MessageRequest.Valid) parsed).request(), key);
  }
}
