package dev.switchboard.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.engine.message.ChannelKind;
import dev.switchboard.engine.message.FieldError;
import dev.switchboard.engine.webhook.TargetPolicy;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A validated {@code POST /v1/messages} body. {@link #parse} checks every field of API.md, in a
 * fixed order, and names the first one that is wrong.
 */
public record MessageRequest(
    ChannelKind channel,
    String to,
    String from,
    String text,
    String callbackUrl,
    long ttlSeconds,
    Map<String, String> metadata) {

  static final Set<String> FIELDS =
      Set.of("channel", "to", "from", "text", "callbackUrl", "ttlSeconds", "metadata");
  static final int MAX_FROM = 32;
  static final int MAX_URL = 2048;
  static final long MAX_TTL_SECONDS = 7 * 24 * 3600;
  static final int MAX_METADATA_ENTRIES = 20;
  static final int MAX_METADATA_KEY = 64;
  static final int MAX_METADATA_VALUE = 512;

  /** A valid request, or the first thing wrong with it. */
  public sealed interface Parsed {}

  public record Valid(MessageRequest request) implements Parsed {}

  public record Invalid(FieldError error) implements Parsed {}

  /** {@code targets} decides which callback URLs are allowed (SSRF). */
  public static Parsed parse(JsonNode body, Set<String> enabledChannels, TargetPolicy targets) {
    try {
      return new Valid(read(body, enabledChannels, targets));
    } catch (Rejected r) {
      return new Invalid(r.error);
    }
  }

  private static MessageRequest read(
      JsonNode body, Set<String> enabledChannels, TargetPolicy targets) {
    if (!body.isObject()) {
      throw new Rejected(null, "the body must be a JSON object");
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new Rejected(name, "is not a field of a message");
      }
    }
    String channelName = requiredString(body, "channel");
    ChannelKind channel =
        ChannelKind.fromWireName(channelName)
            .filter(k -> enabledChannels.contains(k.wireName()))
            .orElseThrow(
                () ->
                    new Rejected(
                        "channel",
                        "'"
                            + channelName
                            + "' is not a channel of this engine; enabled: "
                            + enabledChannels));
    String to = requiredString(body, "to");
    channel.checkRecipient(to).ifPresent(Rejected::throwFor);
    String text = requiredString(body, "text");
    channel.checkText(text).ifPresent(Rejected::throwFor);
    String from = optionalString(body, "from").orElse(null);
    if (from != null && (from.isEmpty() || from.length() > MAX_FROM || hasControl(from))) {
      throw new Rejected("from", "must be 1.." + MAX_FROM + " printable characters");
    }
    String callbackUrl = optionalString(body, "callbackUrl").orElse(null);
    if (callbackUrl != null) {
      checkUrl(callbackUrl, targets);
    }
    long ttl = ttlSeconds(body);
    return new MessageRequest(channel, to, from, text, callbackUrl, ttl, metadata(body));
  }

  private static String requiredString(JsonNode body, String field) {
    return optionalString(body, field).orElseThrow(() -> new Rejected(field, "is required"));
  }

  private static Optional<String> optionalString(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw new Rejected(field, "must be a string");
    }
    return Optional.of(node.textValue());
  }

  private static void checkUrl(String url, TargetPolicy targets) {
    if (url.length() > MAX_URL) {
      throw new Rejected("callbackUrl", "must be at most " + MAX_URL + " characters");
    }
    targets
        .checkUrl(url)
        .ifPresent(reason -> Rejected.throwFor(new FieldError("callbackUrl", reason)));
  }

  private static long ttlSeconds(JsonNode body) {
    JsonNode node = body.get("ttlSeconds");
    if (node == null || node.isNull()) {
      return 0;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new Rejected("ttlSeconds", "must be a whole number of seconds");
    }
    long ttl = node.longValue();
    if (ttl < 1 || ttl > MAX_TTL_SECONDS) {
      throw new Rejected("ttlSeconds", "must be between 1 and " + MAX_TTL_SECONDS);
    }
    return ttl;
  }

  private static Map<String, String> metadata(JsonNode body) {
    JsonNode node = body.get("metadata");
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new Rejected("metadata", "must be an object of strings");
    }
    if (node.size() > MAX_METADATA_ENTRIES) {
      throw new Rejected("metadata", "may hold at most " + MAX_METADATA_ENTRIES + " entries");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String key = entry.getKey();
      if (key.isEmpty() || key.length() > MAX_METADATA_KEY) {
        throw new Rejected("metadata", "keys must be 1.." + MAX_METADATA_KEY + " characters");
      }
      if (!entry.getValue().isTextual()
          || entry.getValue().textValue().length() > MAX_METADATA_VALUE) {
        throw new Rejected(
            "metadata." + key, "must be a string of at most " + MAX_METADATA_VALUE + " characters");
      }
      metadata.put(key, entry.getValue().textValue());
    }
    return metadata;
  }

  private static boolean hasControl(String s) {
    return s.chars().anyMatch(Character::isISOControl);
  }

  /** Unwinds validation at the first error; never escapes this class. */
  private static final class Rejected extends RuntimeException {
    private final FieldError error;

    Rejected(String field, String message) {
      super(message, null, false, false);
      this.error = new FieldError(field, message);
    }

    static void throwFor(FieldError error) {
      throw new Rejected(error.field(), error.message());
    }
  }
}
