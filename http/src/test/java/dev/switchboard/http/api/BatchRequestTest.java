package dev.switchboard.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.engine.message.FieldError;
import dev.switchboard.engine.webhook.TargetPolicy;
import dev.switchboard.http.api.BatchRequest.InvalidItem;
import dev.switchboard.http.api.BatchRequest.ValidItem;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchRequestTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TargetPolicy OPEN = new TargetPolicy(true);
  private static final Set<String> SANDBOX_ONLY = Set.of("sandbox");

  private static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("bad test JSON: " + text, e);
    }
  }

  private static ObjectNode message(String to) {
    ObjectNode message = MAPPER.createObjectNode();
    message.put("channel", "sandbox");
    message.put("to", to);
    message.put("text", "hello");
    return message;
  }

  private static ObjectNode batchOf(int n) {
    ObjectNode body = MAPPER.createObjectNode();
    ArrayNode messages = body.putArray("messages");
    for (int i = 0; i < n; i++) {
      messages.add(message("alice-" + i));
    }
    return body;
  }

  private static List<BatchRequest.Item> items(JsonNode body) {
    BatchRequest.Parsed parsed = BatchRequest.parse(body, SANDBOX_ONLY, OPEN);
    assertThat(parsed).isInstanceOf(BatchRequest.Valid.class);
    return ((BatchRequest.Valid) parsed).batch().items();
  }

  private static FieldError refused(JsonNode body) {
    BatchRequest.Parsed parsed = BatchRequest.parse(body, SANDBOX_ONLY, OPEN);
    assertThat(parsed).isInstanceOf(BatchRequest.Invalid.class);
    FieldError error = ((BatchRequest.Invalid) parsed).error();
    assertThat(error.message()).isNotBlank();
    return error;
  }

  @Test
  void everyItemIsValidatedOnItsOwnInOrder() {
    ObjectNode body = batchOf(3);
    ((ObjectNode) body.get("messages").get(1)).remove("to");

    List<BatchRequest.Item> items = items(body);

    assertThat(items).extracting(BatchRequest.Item::index).containsExactly(0, 1, 2);
    assertThat(items.get(0)).isInstanceOf(ValidItem.class);
    assertThat(items.get(1)).isInstanceOf(InvalidItem.class);
    assertThat(((InvalidItem) items.get(1)).error().field()).isEqualTo("to");
    assertThat(((ValidItem) items.get(2)).request().to()).isEqualTo("alice-2");
  }

  @Test
  void aHundredItemsAreABatch() {
    assertThat(items(batchOf(BatchRequest.MAX_ITEMS)))
        .hasSize(100)
        .allMatch(ValidItem.class::isInstance);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 101})
  void tooFewOrTooManyItemsRefuseTheWholeBatch(int n) {
    assertThat(refused(batchOf(n)).field()).isEqualTo("messages");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "{\"messages\":null}",
        "{\"messages\":{\"channel\":\"sandbox\"}}",
        "{\"messages\":\"x\"}",
        "{\"messages\":42}"
      })
  void messagesThatAreNotAnArrayRefuseTheWholeBatch(String body) {
    assertThat(refused(json(body)).field()).isEqualTo("messages");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "[{\"channel\":\"sandbox\"}]", "\"messages\"", "7", "null"})
  void aBodyThatIsNotAnObjectRefusesTheWholeBatch(String body) {
    assertThat(refused(json(body)).field()).isNull();
  }

  @Test
  void anUnknownTopLevelFieldRefusesTheWholeBatch() {
    ObjectNode body = batchOf(1);
    body.put("priority", "high");

    assertThat(refused(body).field()).isEqualTo("priority");
  }

  @Test
  void anItemThatIsNotAnObjectIsThatItemsError() {
    List<BatchRequest.Item> items = items(json("{\"messages\":[42,\"x\",null,[]]}"));

    assertThat(items).hasSize(4).allMatch(InvalidItem.class::isInstance);
    assertThat(((InvalidItem) items.get(0)).error().message()).contains("JSON object");
  }

  @Test
  void idempotencyKeyIsReadAndNotPassedOnAsAMessageField() {
    ObjectNode body = batchOf(2);
    ((ObjectNode) body.get("messages").get(0)).put("idempotencyKey", "order-1");

    List<BatchRequest.Item> items = items(body);

    assertThat(((ValidItem) items.get(0)).idempotencyKey()).contains("order-1");
    assertThat(((ValidItem) items.get(1)).idempotencyKey()).isEqualTo(Optional.empty());
    // The request's own JSON is left as it was.
    assertThat(body.get("messages").get(0).has("idempotencyKey")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"\"", "42", "{}"})
  void aBadIdempotencyKeyIsThatItemsError(String key) {
    JsonNode body =
        json(
            "{\"messages\":[{\"channel\":\"sandbox\",\"to\":\"a\",\"text\":\"x\",\"idempotencyKey\":"
                + key
                + "}]}");

    assertThat(((InvalidItem) items(body).get(0)).error().field()).isEqualTo("idempotencyKey");
  }

  @Test
  void anOverlongIdempotencyKeyIsThatItemsError() {
    ObjectNode body = batchOf(1);
    ((ObjectNode) body.get("messages").get(0))
        .put("idempotencyKey", "k".repeat(MessageRoutes.MAX_IDEMPOTENCY_KEY + 1));

    assertThat(((InvalidItem) items(body).get(0)).error().field()).isEqualTo("idempotencyKey");
  }

  @Test
  void aRepeatedIdempotencyKeyRefusesTheLaterItemOnly() {
    ObjectNode body = batchOf(3);
    ((ObjectNode) body.get("messages").get(0)).put("idempotencyKey", "same");
    ((ObjectNode) body.get("messages").get(2)).put("idempotencyKey", "same");

    List<BatchRequest.Item> items = items(body);

    assertThat(items.get(0)).isInstanceOf(ValidItem.class);
    assertThat(items.get(1)).isInstanceOf(ValidItem.class);
    FieldError error = ((InvalidItem) items.get(2)).error();
    assertThat(error.field()).isEqualTo("idempotencyKey");
    assertThat(error.message()).contains("message 0");
  }

  @Test
  void aChannelThatIsNotEnabledIsThatItemsError() {
    ObjectNode body = batchOf(2);
    ((ObjectNode) body.get("messages").get(1)).put("channel", "sms");

    List<BatchRequest.Item> items = items(body);

    assertThat(items.get(0)).isInstanceOf(ValidItem.class);
    assertThat(((InvalidItem) items.get(1)).error().field()).isEqualTo("channel");
  }
}
