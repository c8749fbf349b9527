package dev.switchboard.testkit.messenger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stub's own checks and answers, and its webhook calls as Meta makes them. */
class MessengerStubTest {
  private static final String TOKEN = "EAAtest-page-token";
  private static final String SECRET = "app-secret-1";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VALID =
      "{\"recipient\":{\"id\":\"1234567890\"},\"messaging_type\":\"RESPONSE\","
          + "\"message\":{\"text\":\"hello\"}}";

  private final HttpClient client = HttpClient.newHttpClient();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private MessengerStub stub;
  private HttpServer endpoint;

  private record Received(String method, String query, Headers headers, byte[] body) {}

  @BeforeEach
  void start() throws IOException {
    stub = MessengerStub.start(TOKEN, SECRET);
    endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    endpoint.createContext(
        "/hook",
        exchange -> {
          byte[] body;
          try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
          }
          received.add(
              new Received(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getRawQuery(),
                  exchange.getRequestHeaders(),
                  body));
          String query = exchange.getRequestURI().getQuery();
          byte[] answer =
              query != null && query.contains("hub.challenge=")
                  ? query.replaceAll(".*hub.challenge=([0-9]+).*", "$1").getBytes()
                  : new byte[0];
          exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    endpoint.start();
    stub.webhook(URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/hook"));
  }

  @AfterEach
  void stop() {
    stub.close();
    endpoint.stop(0);
  }

  private HttpResponse<String> post(String path, String auth, String contentType, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(stub.baseUrl() + path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (auth != null) {
      request.header("Authorization", auth);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(String body) throws Exception {
    return post("/v21.0/me/messages", "Bearer " + TOKEN, "application/json", body);
  }

  private static JsonNode error(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body()).path("error");
  }

  @Test
  void aValidSendIsTakenAndAnsweredWithTheRecipientAndAMessageId() throws Exception {
    HttpResponse<String> response = send(VALID);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("recipient_id").asText()).isEqualTo("1234567890");
    assertThat(body.path("message_id").asText()).startsWith("m_");
    assertThat(stub.accepted())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.mid()).isEqualTo(body.path("message_id").asText());
              assertThat(m.text()).isEqualTo("hello");
              assertThat(m.messagingType()).isEqualTo("RESPONSE");
            });
  }

  @Test
  void theTokenComesFromTheHeaderOrTheQueryAndAMissingOrWrongOneIsRefused() throws Exception {
    HttpResponse<String> missing = post("/v21.0/me/messages", null, "application/json", VALID);
    HttpResponse<String> wrong =
        post("/v21.0/me/messages", "Bearer nope", "application/json", VALID);
    HttpResponse<String> query =
        post("/v21.0/me/messages?access_token=" + TOKEN, null, "application/json", VALID);
    stub.revokeToken();
    HttpResponse<String> revoked = send(VALID);
    HttpResponse<String> me =
        client.send(
            HttpRequest.newBuilder(URI.create(stub.baseUrl() + "/v21.0/me?fields=id"))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(error(missing).path("code").asInt()).isEqualTo(2500);
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(error(wrong).path("code").asInt()).isEqualTo(190);
    assertThat(error(wrong).path("type").asText()).isEqualTo("OAuthException");
    assertThat(query.statusCode()).isEqualTo(200);
    assertThat(error(revoked).path("code").asInt()).isEqualTo(190);
    assertThat(error(me).path("code").asInt()).isEqualTo(190);
    stub.restoreToken();
    assertThat(send(VALID).statusCode()).isEqualTo(200);
  }

  @Test
  void meAnswersThePageId() throws Exception {
    HttpResponse<String> me =
        client.send(
            HttpRequest.newBuilder(URI.create(stub.baseUrl() + "/v21.0/me?fields=id"))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(me.body()).path("id").asText()).isEqualTo(stub.pageId());
  }

  @Test
  void aBodyThatIsNotExactlyASendIsRefusedWithCode100() throws Exception {
    List<String> bad =
        List.of(
            "{\"messaging_type\":\"RESPONSE\",\"message\":{\"text\":\"x\"}}",
            "{\"recipient\":{\"id\":\"12\"},\"messaging_type\":\"RESPONSE\","
                + "\"message\":{\"text\":\"x\"},\"extra\":1}",
            "{\"recipient\":{\"id\":\"12\"},\"messaging_type\":\"SOON\",\"message\":{\"text\":\"x\"}}",
            "{\"recipient\":{\"id\":\"12\"},\"messaging_type\":\"MESSAGE_TAG\","
                + "\"message\":{\"text\":\"x\"}}",
            "{\"recipient\":{\"id\":\"12\"},\"messaging_type\":\"RESPONSE\","
                + "\"message\":{\"text\":\""
                + "x".repeat(2001)
                + "\"}}",
            "{\"recipient\":{\"id\":\"12\"},\"messaging_type\":\"RESPONSE\",\"message\":{}}",
            "not json");
    for (String body : bad) {
      HttpResponse<String> response = send(body);
      assertThat(response.statusCode()).as(body).isEqualTo(400);
      assertThat(error(response).path("code").asInt()).as(body).isEqualTo(100);
    }
    assertThat(post("/v21.0/me/messages", "Bearer " + TOKEN, "text/plain", VALID).statusCode())
        .isEqualTo(400);
    assertThat(
            send("{\"recipient\":{\"id\":\"12\"},\"messaging_type\":\"MESSAGE_TAG\","
                    + "\"tag\":\"ACCOUNT_UPDATE\",\"message\":{\"text\":\"x\"}}")
                .statusCode())
        .isEqualTo(200);
    assertThat(stub.accepted()).hasSize(1);
    assertThat(
            post("/v21.0/you/messages", "Bearer " + TOKEN, "application/json", VALID).statusCode())
        .isEqualTo(400);
  }

  @Test
  void scriptedFailuresAnswerTheRealErrorBodyOnceEach() throws Exception {
    stub.failNext(1, GraphFailure.outsideWindow());
    stub.failNext(1, GraphFailure.requestLimitFor(3));

    HttpResponse<String> window = send(VALID);
    HttpResponse<String> limited = send(VALID);
    HttpResponse<String> fine = send(VALID);

    assertThat(window.statusCode()).isEqualTo(400);
    assertThat(error(window).path("code").asInt()).isEqualTo(10);
    assertThat(error(window).path("error_subcode").asInt()).isEqualTo(2018278);
    assertThat(error(window).path("fbtrace_id").asText()).isNotEmpty();
    assertThat(error(limited).path("code").asInt()).isEqualTo(4);
    assertThat(limited.headers().firstValue("X-Business-Use-Case-Usage").orElseThrow())
        .contains("\"estimated_time_to_regain_access\":3");
    assertThat(fine.statusCode()).isEqualTo(200);
    assertThat(stub.accepted()).hasSize(1);
    assertThat(stub.requests()).extracting(StubRequest::errorCode).containsExactly(10, 4, 0);
  }

  @Test
  void refusedConnectionsFailToConnectUntilTheStubListensAgain() throws Exception {
    stub.refuseConnections(true);
    assertThatThrownBy(() -> send(VALID)).isInstanceOf(ConnectException.class);

    stub.refuseConnections(false);
    assertThat(send(VALID).statusCode()).isEqualTo(200);
  }

  @Test
  void webhookEventsAreSignedOverTheBytesSentWithNonAsciiEscaped() throws Exception {
    WebhookCall good = stub.postMessage("4455", "hi 👋", MessengerStub.Signing.GOOD);
    stub.postMessage("4455", "hi", MessengerStub.Signing.BAD);
    stub.postMessage("4455", "hi", MessengerStub.Signing.NONE);

    assertThat(good.ok()).isTrue();
    assertThat(received).hasSize(3);
    Received first = received.get(0);
    String text = new String(first.body(), StandardCharsets.US_ASCII);
    assertThat(text).contains("\\uD83D\\uDC4B").contains("\"object\":\"page\"");
    assertThat(first.headers().getFirst("X-Hub-Signature-256"))
        .isEqualTo("sha256=" + hmac(SECRET, first.body()));
    JsonNode item = JSON.readTree(first.body()).path("entry").get(0).path("messaging").get(0);
    assertThat(item.path("message").path("text").asText()).isEqualTo("hi 👋");
    assertThat(item.path("message").path("mid").asText()).isEqualTo(good.mid());
    assertThat(item.path("recipient").path("id").asText()).isEqualTo(stub.pageId());
    assertThat(received.get(1).headers().getFirst("X-Hub-Signature-256"))
        .isNotEqualTo("sha256=" + hmac(SECRET, received.get(1).body()));
    assertThat(received.get(2).headers().containsKey("X-Hub-Signature-256")).isFalse();
  }

  @Test
  void everyTakenMessageIsFollowedByItsDeliveryAndReadWhenAsked() throws Exception {
    stub.autoReceipts(MessengerStub.Receipts.DELIVERY_AND_READ, Duration.ZERO);

    String mid = JSON.readTree(send(VALID).body()).path("message_id").asText();

    await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
    JsonNode delivery =
        JSON.readTree(received.get(0).body()).path("entry").get(0).path("messaging").get(0);
    JsonNode read =
        JSON.readTree(received.get(1).body()).path("entry").get(0).path("messaging").get(0);
    assertThat(delivery.path("delivery").path("mids").get(0).asText()).isEqualTo(mid);
    assertThat(delivery.path("sender").path("id").asText()).isEqualTo("1234567890");
    assertThat(read.path("read").path("watermark").asLong()).isPositive();
  }

  @Test
  void theHandshakeSendsTheVerifyTokenAndARandomChallenge() {
    MessengerStub.Handshake handshake = stub.verifySubscription("verify me");

    assertThat(handshake.verified()).isTrue();
    assertThat(received.get(0).method()).isEqualTo("GET");
    assertThat(received.get(0).query())
        .isEqualTo(
            "hub.mode=subscribe&hub.challenge="
                + handshake.challenge()
                + "&hub.verify_token=verify+me");
  }

  private static String hmac(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }
}
