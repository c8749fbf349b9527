package dev.switchboard.http.api;

import dev.switchboard.engine.delivery.MessageDocument;
import dev.switchboard.engine.message.FieldError;
import dev.switchboard.engine.message.OutboundMessage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of a batch answer: one result per item, in the request's order. */
final class BatchJson {
  private BatchJson() {}

  static Map<String, Object> results(List<Map<String, Object>> results) {
    return Map.of("results", results);
  }

  /**
   * An accepted item: a single send's answer with its index first; {@code created} is false for a
   * repeat of an earlier {@code idempotencyKey} (where a single send answers 200, not 202).
   */
  static Map<String, Object> accepted(int index, OutboundMessage message, boolean created) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("index", index);
    result.putAll(MessageDocument.accepted(message));
    result.put("created", created);
    return result;
  }

  /** An item that is not a valid message: the 400 a single send would get, as the item's error. */
  static Map<String, Object> invalid(int index, FieldError error) {
    return failed(index, error("invalid_request", error.message(), error.field()));
  }

  /** An item the broker or the journal could not take now; the client may resend it later. */
  static Map<String, Object> unavailable(
      int index, String code, String message, Duration retryAfter) {
    Map<String, Object> error = error(code, message, null);
    error.put("retryAfterSeconds", Math.max(1, retryAfter.toSeconds()));
    return failed(index, error);
  }

  private static Map<String, Object> failed(int index, Map<String, Object> error) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("index", index);
    result.put("error", error);
    return result;
  }

  private static Map<String, Object> error(String code, String message, String field) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", message);
    if (field != null) {
      error.put("field", field);
    }
    return error;
  }
}
