package dev.switchboard.channels.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;

/** Reads Twilio's JSON answers: a created message's {@code sid}, an error's code and message. */
final class TwilioResponses {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TwilioResponses() {}

  /** The {@code sid} of a created message, if the body has one. */
  static Optional<String> sid(String body) {
    JsonNode sid = read(body).path("sid");
    return sid.isTextual() && !sid.asText().isBlank()
        ? Optional.of(sid.asText())
        : Optional.empty();
  }

  /**
   * The error body {@code {"code","message","more_info","status"}}; {@link
   * TwilioErrors.ErrorBody#NONE} when it is not one (a proxy's HTML page, say).
   */
  static TwilioErrors.ErrorBody error(String body) {
    JsonNode json = read(body);
    JsonNode code = json.path("code");
    JsonNode message = json.path("message");
    Integer number = null;
    if (code.isIntegralNumber()) {
      number = code.asInt();
    } else if (code.isTextual() && code.asText().matches("[0-9]{1,9}")) {
      number = Integer.parseInt(code.asText());
    }
    return new TwilioErrors.ErrorBody(number, message.isTextual() ? message.asText() : null);
  }

  private static JsonNode read(String body) {
    if (body == null || body.isBlank()) {
      return JSON.missingNode();
    }
    try {
      JsonNode node = JSON.readTree(body);
      return node == null ? JSON.missingNode() : node;
    } catch (IOException e) {
      return JSON.missingNode();
    }
  }
}
