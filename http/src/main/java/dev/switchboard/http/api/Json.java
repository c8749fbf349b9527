package dev.switchboard.http.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;

/** JSON in and out of the API, with one mapper configured once. */
final class Json {
  private static final int MAX_NESTING = 32;
  private static final int MAX_NUMBER_LENGTH = 100;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    // "{...} trailing" is not one JSON document: refused, not read up to the first one's end.
    MAPPER.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    MAPPER.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .build());
  }

  private Json() {}

  /**
   * Parses a request body.
   *
   * @throws MalformedJsonException with a message fit for a client
   */
  static JsonNode parse(byte[] body) {
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new MalformedJsonException("the body is empty");
      }
      return node;
    } catch (StreamConstraintsException e) {
      throw new MalformedJsonException(
          "the body is nested deeper than "
              + MAX_NESTING
              + " levels or has a number longer than "
              + MAX_NUMBER_LENGTH
              + " digits");
    } catch (JsonProcessingException e) {
      // Never the parser's own text: it names its classes, quotes the input and its position.
      throw new MalformedJsonException(
          isDuplicateField(e)
              ? "the body is not valid JSON: an object has the same field twice"
              : "the body is not valid JSON");
    } catch (IOException e) {
      throw new MalformedJsonException("the body could not be read as JSON");
    }
  }

  // Jackson has no type of its own for a duplicate field: its message is the one way to tell.
  private static boolean isDuplicateField(JsonProcessingException e) {
    return e instanceof JsonParseException
        && String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field");
  }

  static HttpResponse response(StatusCode status, Object body, List<HttpHeader> headers) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .addHeaders(headers)
          .withEntity(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response not serializable", e);
    }
  }

  static HttpResponse response(StatusCode status, Object body) {
    return response(status, body, List.of());
  }

  /** The body was not JSON; its message is safe to show. */
  static final class MalformedJsonException extends RuntimeException {
    MalformedJsonException(String message) {
      super(message);
    }
  }
}
