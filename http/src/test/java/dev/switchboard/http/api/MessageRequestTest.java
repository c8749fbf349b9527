package dev.switchboard.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.engine.message.ChannelKind;
import dev.switchboard.engine.message.FieldError;
import dev.switchboard.engine.webhook.TargetPolicy;
import dev.switchboard.http.api.MessageRequest.Invalid;
import dev.switchboard.http.api.MessageRequest.Parsed;
import dev.switchboard.http.api.MessageRequest.Valid;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageRequestTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> ALL = Set.of("sandbox", "sms", "messenger", "twitter");
  private static final Set<String> SANDBOX_ONLY = Set.of("sandbox");
  private static final String E164 = "+447700900123";
  // Development settings (plain http and private addresses allowed) unless a test says otherwise.
  private static final TargetPolicy OPEN = new TargetPolicy(true);
  private static final TargetPolicy STRICT = new TargetPolicy(false);

  private static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("bad test JSON: " + text, e);
    }
  }

  /** A valid minimal sandbox body, to be modified by a test. */
  private static ObjectNode sandbox() {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("channel", "sandbox");
    body.put("to", "alice");
    body.put("text", "hello");
    return body;
  }

  private static ObjectNode sms(String text) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("channel", "sms");
    body.put("to", E164);
    body.put("text", text);
    return body;
  }

  private static ObjectNode messenger(String text) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("channel", "messenger");
    body.put("to", "1234567890");
    body.put("text", text);
    return body;
  }

  private static MessageRequest valid(JsonNode body) {
    return valid(body, ALL);
  }

  private static MessageRequest valid(JsonNode body, Set<String> enabled) {
    Parsed parsed = MessageRequest.parse(body, enabled, OPEN);
    assertThat(parsed).isInstanceOf(Valid.class);
    return ((Valid) parsed).request();
  }

  private static FieldError invalid(JsonNode body) {
    return invalid(body, ALL);
  }

  private static FieldError invalid(JsonNode body, Set<String> enabled) {
    Parsed parsed = MessageRequest.parse(body, enabled, OPEN);
    assertThat(parsed).isInstanceOf(Invalid.class);
    FieldError error = ((Invalid) parsed).error();
    assertThat(error.message()).isNotBlank();
    return error;
  }

  @Test
  void minimalSandboxMessageIsValid() {
    MessageRequest request =
        valid(json("{\"channel\":\"sandbox\",\"to\":\"alice\",\"text\":\"hello\"}"), SANDBOX_ONLY);

    assertThat(request)
        .isEqualTo(
            new MessageRequest(ChannelKind.SANDBOX, "alice", null, "hello", null, 0, Map.of()));
  }

  @Test
  void minimalSmsMessageIsValid() {
    MessageRequest request =
        valid(json("{\"channel\":\"sms\",\"to\":\"+447700900123\",\"text\":\"hi there\"}"));

    assertThat(request.channel()).isEqualTo(ChannelKind.SMS);
    assertThat(request.to()).isEqualTo(E164);
    assertThat(request.text()).isEqualTo("hi there");
  }

  @Test
  void allOptionalFieldsAreRead() {
    ObjectNode body = sandbox();
    body.put("from", "Switchboard");
    body.put("callbackUrl", "https://example.com/h");
    body.put("ttlSeconds", 3600);
    body.putObject("metadata").put("order", "42").put("tenant", "acme");

    MessageRequest request = valid(body);

    assertThat(request.from()).isEqualTo("Switchboard");
    assertThat(request.callbackUrl()).isEqualTo("https://example.com/h");
    assertThat(request.ttlSeconds()).isEqualTo(3600);
    assertThat(request.metadata())
        .containsExactly(Map.entry("order", "42"), Map.entry("tenant", "acme"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"channel", "to", "text"})
  void missingRequiredFieldIsNamed(String field) {
    ObjectNode body = sandbox();
    body.remove(field);

    assertThat(invalid(body).field()).isEqualTo(field);
  }

  @ParameterizedTest
  @ValueSource(strings = {"channel", "to", "text"})
  void nullRequiredFieldIsNamed(String field) {
    ObjectNode body = sandbox();
    body.putNull(field);

    assertThat(invalid(body).field()).isEqualTo(field);
  }

  @Test
  void channelAsNumberIsRejected() {
    ObjectNode body = sandbox();
    body.put("channel", 7);

    assertThat(invalid(body).field()).isEqualTo("channel");
  }

  @Test
  void textAsObjectIsRejected() {
    ObjectNode body = sandbox();
    body.putObject("text").put("body", "hello");

    assertThat(invalid(body).field()).isEqualTo("text");
  }

  @Test
  void ttlSecondsAsStringIsRejected() {
    ObjectNode body = sandbox();
    body.put("ttlSeconds", "60");

    assertThat(invalid(body).field()).isEqualTo("ttlSeconds");
  }

  @Test
  void fractionalTtlSecondsIsRejected() {
    assertThat(
            invalid(
                    json(
                        "{\"channel\":\"sandbox\",\"to\":\"alice\",\"text\":\"hi\","
                            + "\"ttlSeconds\":1.5}"))
                .field())
        .isEqualTo("ttlSeconds");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, 7 * 24 * 3600 + 1, Long.MAX_VALUE})
  void ttlSecondsOutOfRangeIsRejected(long ttl) {
    ObjectNode body = sandbox();
    body.put("ttlSeconds", ttl);

    assertThat(invalid(body).field()).isEqualTo("ttlSeconds");
  }

  @Test
  void ttlSecondsBeyondLongIsRejected() {
    assertThat(
            invalid(
                    json(
                        "{\"channel\":\"sandbox\",\"to\":\"alice\",\"text\":\"hi\","
                            + "\"ttlSeconds\":99999999999999999999999}"))
                .field())
        .isEqualTo("ttlSeconds");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 7 * 24 * 3600})
  void ttlSecondsAtTheBoundsIsAccepted(long ttl) {
    ObjectNode body = sandbox();
    body.put("ttlSeconds", ttl);

    assertThat(valid(body).ttlSeconds()).isEqualTo(ttl);
  }

  @Test
  void metadataAsArrayIsRejected() {
    ObjectNode body = sandbox();
    body.putArray("metadata").add("a");

    assertThat(invalid(body).field()).isEqualTo("metadata");
  }

  @Test
  void metadataValueThatIsNotAStringNamesItsKey() {
    ObjectNode body = sandbox();
    body.putObject("metadata").put("ok", "fine").put("count", 3);

    assertThat(invalid(body).field()).isEqualTo("metadata.count");
  }

  @Test
  void unknownFieldIsNamed() {
    ObjectNode body = sandbox();
    body.put("priority", "high");

    assertThat(invalid(body).field()).isEqualTo("priority");
  }

  @Test
  void unknownChannelIsRejected() {
    ObjectNode body = sandbox();
    body.put("channel", "fax");

    assertThat(invalid(body, SANDBOX_ONLY).field()).isEqualTo("channel");
  }

  @Test
  void knownChannelThatIsNotEnabledIsRejected() {
    FieldError error = invalid(sms("hello"), SANDBOX_ONLY);

    assertThat(error.field()).isEqualTo("channel");
    assertThat(valid(sms("hello"), Set.of("sandbox", "sms")).channel()).isEqualTo(ChannelKind.SMS);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"07700900123", "447700900123", "+0447700900123", "+44 7700 900123", "alice"})
  void smsRecipientMustBeE164(String to) {
    ObjectNode body = sms("hello");
    body.put("to", to);

    assertThat(invalid(body).field()).isEqualTo("to");
  }

  @Test
  void smsTextOfTenSegmentsIsAcceptedAndElevenRejected() {
    assertThat(valid(sms("a".repeat(1530))).text()).hasSize(1530);

    FieldError error = invalid(sms("a".repeat(1531)));

    assertThat(error.field()).isEqualTo("text");
    assertThat(error.message()).contains("11");
  }

  @Test
  void messengerTextIsLimitedTo2000Characters() {
    assertThat(valid(messenger("x".repeat(2000))).text()).hasSize(2000);

    assertThat(invalid(messenger("x".repeat(2001))).field()).isEqualTo("text");
  }

  @Test
  void emptyTextIsRejected() {
    ObjectNode body = sandbox();
    body.put("text", "");

    assertThat(invalid(body).field()).isEqualTo("text");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://x", "not a url", "/relative/path", "https://", "mailto:a@b.c"})
  void callbackUrlMustBeAnAbsoluteHttpUrl(String url) {
    ObjectNode body = sandbox();
    body.put("callbackUrl", url);

    assertThat(invalid(body).field()).isEqualTo("callbackUrl");
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://example.com/h", "http://example.com:8080/hook?x=1"})
  void httpCallbackUrlIsAccepted(String url) {
    ObjectNode body = sandbox();
    body.put("callbackUrl", url);

    assertThat(valid(body).callbackUrl()).isEqualTo(url);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://example.com/h",
        "https://127.0.0.1/h",
        "https://localhost/h",
        "https://10.0.0.1/h",
        "https://169.254.169.254/latest",
        "https://[::1]/h"
      })
  void callbackUrlMustBePublicHttpsUnlessPrivateTargetsAreAllowed(String url) {
    ObjectNode body = sandbox();
    body.put("callbackUrl", url);

    Parsed parsed = MessageRequest.parse(body, ALL, STRICT);

    assertThat(parsed).isInstanceOf(Invalid.class);
    assertThat(((Invalid) parsed).error().field()).isEqualTo("callbackUrl");
    assertThat(((Invalid) parsed).error().message()).isNotBlank();
    assertThat(valid(body).callbackUrl()).isEqualTo(url);
  }

  @Test
  void publicHttpsCallbackUrlIsAcceptedByTheStrictPolicy() {
    ObjectNode body = sandbox();
    body.put("callbackUrl", "https://hooks.example.com/switchboard");

    assertThat(MessageRequest.parse(body, ALL, STRICT)).isInstanceOf(Valid.class);
  }

  @Test
  void bodyThatIsAnArrayIsRejectedWithoutAField() {
    Parsed parsed = MessageRequest.parse(json("[{\"channel\":\"sandbox\"}]"), ALL, OPEN);

    assertThat(parsed).isInstanceOf(Invalid.class);
    assertThat(((Invalid) parsed).error().field()).isNull();
  }

  @Test
  void nullOptionalFieldsAreTreatedAsAbsent() {
    MessageRequest request =
        valid(
            json(
                "{\"channel\":\"sandbox\",\"to\":\"alice\",\"text\":\"hi\",\"from\":null,"
                    + "\"callbackUrl\":null,\"ttlSeconds\":null,\"metadata\":null}"));

    assertThat(request)
        .isEqualTo(new MessageRequest(ChannelKind.SANDBOX, "alice", null, "hi", null, 0, Map.of()));
  }
}
