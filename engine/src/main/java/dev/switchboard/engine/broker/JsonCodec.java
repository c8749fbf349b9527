package dev.switchboard.engine.broker;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Predicate;

/**
 * A broker payload as JSON, so a dead-lettered one can be read by an operator with any tool.
 *
 * @param complete what a decoded value must satisfy (its required fields are there)
 */
public record JsonCodec<T>(Class<T> type, Predicate<T> complete) {
  public static final String CONTENT_TYPE = "application/json";

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public byte[] encode(T value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a value, or fails with the reason it is not one (a poison message).
   *
   * @throws IllegalArgumentException when the bytes are not a complete value
   */
  public T decode(byte[] body) {
    T value;
    try {
      value = MAPPER.readValue(body, type);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "not a " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
    if (value == null || !complete.test(value)) {
      throw new IllegalArgumentException(type.getSimpleName() + " lacks a required field");
    }
    return value;
  }
}
