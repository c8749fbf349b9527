package dev.switchboard.channels.messenger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * The {@code error} object of a Graph API answer: {@code
 * {"error":{"message","type","code","error_subcode","is_transient","fbtrace_id"}}}.
 *
 * @param subcode {@code error_subcode}, 0 when absent
 */
record GraphError(int code, int subcode, String message, String type, boolean transientHint) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The error a body carries, or empty when it is not a Graph error body. */
  static Optional<GraphError> parse(String body) {
    if (body == null || body.isBlank()) {
      return Optional.empty();
    }
    JsonNode error;
    try {
      error = JSON.readTree(body).path("error");
    } catch (IOException e) {
      return Optional.empty();
    }
    if (!error.isObject() || !error.path("code").canConvertToInt()) {
      return Optional.empty();
    }
    return Optional.of(
        new GraphError(
            error.path("code").asInt(),
            error.path("error_subcode").asInt(0),
            error.path("message").asText(""),
            error.path("type").asText(""),
            error.path("is_transient").asBoolean(false)));
  }

  /** {@code messenger_<code>} or {@code messenger_<code>_<subcode>}. */
  String stableCode() {
    return "messenger_" + code + (subcode == 0 ? "" : "_" + subcode);
  }

  /** {@code code/subcode}, as Meta's documentation writes them. */
  String codes() {
    return code + (subcode == 0 ? "" : "/" + subcode);
  }
}
