package dev.switchboard.http.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
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
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    MAPPER.getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(32).maxNumberLength(100).build());
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
    } catch (JsonProcessingException e) {
      throw new MalformedJsonException("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedJsonException("unreadable body");
    }
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
