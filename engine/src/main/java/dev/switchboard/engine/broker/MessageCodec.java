package dev.switchboard.engine.broker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.switchboard.engine.message.OutboundMessage;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The broker payload of an outbound message: JSON, so a dead-lettered message can be read by an
 * operator with any tool.
 */
public final class MessageCodec {
  public static final String CONTENT_TYPE = "application/json";

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private MessageCodec() {}

  public static byte[] encode(OutboundMessage message) {
    try {
      return MAPPER.writeValueAsBytes(message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a message, or fails with the reason it is not one (a poison message).
   *
   * @throws IllegalArgumentException when the bytes are not a complete message
   */
  public static OutboundMessage decode(byte[] body) {
    OutboundMessage message;
    try {
      message = MAPPER.readValue(body, OutboundMessage.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a message: " + e.getMessage(), e);
    }
    if (message == null
        || message.id() == null
        || message.account() == null
        || message.channel() == null
        || message.to() == null
        || message.text() == null
        || message.createdAt() == null) {
      throw new IllegalArgumentException("message lacks a required field");
    }
    return message;
  }
}
