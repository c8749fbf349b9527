package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.http.testing.TestNode;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input at the API gets its documented 4xx with the error body, never a 5xx, and nothing of it
 * reaches the broker; health stays up throughout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  private String amqpUri;
  private TestNode node;

  @BeforeAll
  void start() throws Exception {
    amqpUri = SharedBroker.freshVhostUri("badinput");
    node = TestNode.start(amqpUri, Map.of());
    // Ready before the first request: the tests below also check it stays so.
    await().atMost(Duration.ofSeconds(30)).until(() -> readiness() == 200);
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) {
      // Nothing invalid was enqueued: no job was ever consumed.
      assertThat(node.metric("switchboard_broker_consumed_total")).isZero();
      assertThat(readiness()).isEqualTo(200);
      node.close();
    }
    SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
  }

  static Stream<Arguments> invalidBodies() {
    return Stream.of(
        Arguments.of("{\"channel\":", null),
        Arguments.of("", null),
        Arguments.of("[1,2]", null),
        Arguments.of("\"text\"", null),
        Arguments.of(
            "{\"channel\":\"sandbox\",\"channel\":\"sms\",\"to\":\"1\",\"text\":\"x\"}", null),
        Arguments.of("{\"to\":\"+447700900123\",\"text\":\"x\"}", "channel"),
        Arguments.of("{\"channel\":\"sandbox\",\"text\":\"x\"}", "to"),
        Arguments.of("{\"channel\":\"sandbox\",\"to\":\"+447700900123\"}", "text"),
        Arguments.of("{\"channel\":42,\"to\":\"+447700900123\",\"text\":\"x\"}", "channel"),
        Arguments.of("{\"channel\":\"sandbox\",\"to\":[\"+44\"],\"text\":\"x\"}", "to"),
        Arguments.of("{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":{}}", "text"),
        Arguments.of("{\"channel\":\"fax\",\"to\":\"+447700900123\",\"text\":\"x\"}", "channel"),
        Arguments.of("{\"channel\":\"messenger\",\"to\":\"123\",\"text\":\"x\"}", "channel"),
        Arguments.of("{\"channel\":\"sms\",\"to\":\"07700900123\",\"text\":\"x\"}", "to"),
        Arguments.of("{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"\"}", "text"),
        Arguments.of(
            "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"x\",\"ttlSeconds\":-1}",
            "ttlSeconds"),
        Arguments.of(
            "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"x\",\"ttlSeconds\":1e400}",
            "ttlSeconds"),
        Arguments.of(
            "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"x\",\"ttlSeconds\":99999999999999999999999}",
            "ttlSeconds"),
        Arguments.of(
            "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"x\",\"callbackUrl\":\"javascript:alert(1)\"}",
            "callbackUrl"),
        Arguments.of(
            "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"x\",\"metadata\":{\"a\":1}}",
            "metadata.a"),
        Arguments.of(
            "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"x\",\"priority\":\"high\"}",
            "priority"));
  }

  @ParameterizedTest
  @MethodSource("invalidBodies")
  void invalidBodyIs400WithTheFieldNamed(String body, String field) {
    TestNode.Response response = node.post("/v1/messages", body);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().path("error").path("code").asText()).isEqualTo("invalid_request");
    assertThat(response.json().path("error").path("message").asText()).isNotBlank();
    if (field != null) {
      assertThat(response.json().path("error").path("field").asText()).isEqualTo(field);
    }
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  static Stream<String> malformedBodies() {
    return Stream.of(
        "{\"channel\":",
        "{abc}",
        "{\"channel\":\"sandbox\" \"to\":\"+447700900123\"}",
        "{\"channel\":\"sandbox\",\"channel\":\"sms\",\"to\":\"1\",\"text\":\"x\"}",
        "[".repeat(40) + "]".repeat(40),
        "{\"ttlSeconds\":" + "9".repeat(150) + "}",
        "{\"text\":\"\\u00zz\"}",
        "nul",
        "123abc",
        "{\"text\":'single'}",
        "{\"a\":1}}",
        "\u0000\u0001");
  }

  /** Parser text that names the library, its classes or the input position must never show. */
  private static final List<String> LIBRARY_TEXT =
      List.of(
          "Jackson",
          "jackson",
          "com.fasterxml",
          "line:",
          "column:",
          "Unrecognized",
          "[Source:",
          "Unexpected",
          "was expecting",
          "Exception",
          "org.apache",
          "pekko",
          "JsonToken",
          "StreamReadConstraints");

  @ParameterizedTest
  @MethodSource("malformedBodies")
  void malformedJsonIsAnsweredInOurWords(String body) {
    TestNode.Response response = node.post("/v1/messages", body);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    assertThat(response.json().path("error").path("code").asText()).isEqualTo("invalid_request");
    String message = response.json().path("error").path("message").asText();
    assertThat(message).startsWith("the body");
    assertThat(response.body()).doesNotContain(LIBRARY_TEXT);
  }

  @Test
  void requestsTheServerCannotParseGetOurErrorBody() throws Exception {
    TestNode.Response header =
        node.post(
            "/v1/messages",
            "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"x\"}",
            "X-Padding",
            "p".repeat(20_000));
    String badRequestLine = rawExchange("GET /v1/%zz-messages HTTP/1.1\r\nHost: x\r\n\r\n");

    assertThat(header.status()).isBetween(400, 499);
    assertThat(header.json().path("error").path("code").asText()).isEqualTo("invalid_request");
    assertThat(header.body()).doesNotContain(LIBRARY_TEXT).doesNotContain("8192");
    assertThat(badRequestLine).startsWith("HTTP/1.1 400");
    assertThat(badRequestLine).contains("\"code\":\"invalid_request\"");
    assertThat(badRequestLine).doesNotContain(LIBRARY_TEXT).doesNotContain("%zz");
  }

  private String rawExchange(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", node.uri("/").getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      // The server closes the connection after a request it cannot parse.
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void oversizedBodyIs413() {
    String text = "a".repeat(70_000);
    TestNode.Response response =
        node.post(
            "/v1/messages",
            "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"" + text + "\"}");

    assertThat(response.status()).isEqualTo(413);
    assertThat(response.json().path("error").path("code").asText()).isEqualTo("payload_too_large");
  }

  @Test
  void wrongContentTypeIs415() {
    TestNode.Response response =
        node.post(
            "/v1/messages",
            "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"x\"}",
            "Content-Type",
            "text/plain");

    assertThat(response.status()).isEqualTo(415);
    assertThat(response.json().path("error").path("code").asText())
        .isEqualTo("unsupported_media_type");
  }

  @Test
  void missingOrUnknownKeyIs401() {
    String json = "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"x\"}";
    TestNode.Response none =
        node.send(
            HttpRequest.newBuilder(node.uri("/v1/messages"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    TestNode.Response unknown = node.post("/v1/messages", json, "Authorization", "Bearer nope");
    TestNode.Response notBearer =
        node.post("/v1/messages", json, "Authorization", "Basic " + node.apiKey());
    TestNode.Response read =
        node.send(
            HttpRequest.newBuilder(node.uri("/v1/messages/msg_00000000000000000000000000"))
                .header("Authorization", "Bearer nope")
                .GET()
                .build());

    for (TestNode.Response response : new TestNode.Response[] {none, unknown, notBearer, read}) {
      assertThat(response.status()).as(response.body()).isEqualTo(401);
      assertThat(response.json().path("error").path("code").asText()).isEqualTo("unauthorized");
      assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer");
    }
  }

  @Test
  void badIdempotencyKeyIs400() {
    TestNode.Response response =
        node.post(
            "/v1/messages",
            "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"x\"}",
            "Idempotency-Key",
            "k".repeat(256));

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().path("error").path("field").asText()).isEqualTo("Idempotency-Key");
  }

  @Test
  void hugeHeaderIsRejectedWith4xx() {
    TestNode.Response response =
        node.post(
            "/v1/messages",
            "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"x\"}",
            "X-Padding",
            "p".repeat(20_000));

    assertThat(response.status()).isBetween(400, 499);
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405() {
    TestNode.Response unknown = node.get("/v1/nothing-here");
    TestNode.Response wrongMethod =
        node.send(
            HttpRequest.newBuilder(node.uri("/v1/messages"))
                .header("Authorization", "Bearer " + node.apiKey())
                .DELETE()
                .build());

    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().path("error").path("code").asText()).isEqualTo("not_found");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.json().path("error").path("code").asText())
        .isEqualTo("method_not_allowed");
    assertThat(wrongMethod.header("Allow")).isEqualTo("POST");
    assertThat(
            node.send(
                    HttpRequest.newBuilder(node.uri("/health/ready"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build())
                .header("Allow"))
        .isEqualTo("GET");
  }

  @Test
  void burstOfBadRequestsLeavesTheNodeLiveAndReady() {
    for (int i = 0; i < 200; i++) {
      assertThat(node.post("/v1/messages", "{\"channel\":" + i).status()).isEqualTo(400);
    }

    assertThat(readiness()).isEqualTo(200);
    assertThat(
            node.send(
                    HttpRequest.newBuilder(node.uri("/health/live"))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build())
                .status())
        .isEqualTo(200);
  }

  private int readiness() {
    return node.send(HttpRequest.newBuilder(node.uri("/health/ready")).GET().build()).status();
  }
}
