package dev.switchboard.testkit.x;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stub's own checks, as X makes them. */
class XStubTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private XStub x;
  private XStub.Tokens tokens;

  @BeforeEach
  void start() {
    x = XStub.start(XStub.Options.defaults().withRateLimit(2, Duration.ofMinutes(15)));
    tokens = x.issueTokens();
  }

  @AfterEach
  void stop() {
    x.close();
  }

  private HttpResponse<String> dm(String participant, String bearer, String type, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(x.baseUrl() + "/2/dm_conversations/with/" + participant + "/messages"))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> refresh(String form, String basic) throws Exception {
    return refresh(x, form, basic);
  }

  private HttpResponse<String> refresh(XStub stub, String form, String basic) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(stub.baseUrl() + "/2/oauth2/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (basic != null) {
      request.header("Authorization", basic);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return MAPPER.readTree(response.body());
  }

  @Test
  void aGoodSendIsTakenWithXsBodyAndRateLimitHeaders() throws Exception {
    HttpResponse<String> r =
        dm("3001969357", tokens.accessToken(), "application/json", "{\"text\":\"hi\"}");

    assertThat(r.statusCode()).isEqualTo(201);
    JsonNode data = json(r).path("data");
    assertThat(data.path("dm_conversation_id").asText()).isEqualTo("2244994945-3001969357");
    assertThat(data.path("dm_event_id").asText()).matches("[0-9]{19}");
    assertThat(r.headers().firstValue("x-rate-limit-limit")).contains("2");
    assertThat(r.headers().firstValue("x-rate-limit-remaining")).contains("1");
    assertThat(x.accepted()).extracting(XStub.Dm::text).containsExactly("hi");
  }

  @Test
  void badRequestsGetXsErrorsAndAreNotTaken() throws Exception {
    HttpResponse<String> noToken = dm("3001969357", null, "application/json", "{\"text\":\"hi\"}");
    HttpResponse<String> badId =
        dm("jack", tokens.accessToken(), "application/json", "{\"text\":\"hi\"}");
    HttpResponse<String> form = dm("1", tokens.accessToken(), "text/plain", "{\"text\":\"hi\"}");
    HttpResponse<String> empty =
        dm("1", tokens.accessToken(), "application/json", "{\"text\":\"\"}");
    HttpResponse<String> extra =
        dm("1", tokens.accessToken(), "application/json", "{\"text\":\"hi\",\"to\":\"1\"}");

    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(noToken.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(json(noToken).path("title").asText()).isEqualTo("Unauthorized");
    assertThat(badId.statusCode()).isEqualTo(400);
    assertThat(json(badId).path("type").asText()).endsWith("/invalid-request");
    assertThat(form.statusCode()).isEqualTo(415);
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(extra.statusCode()).isEqualTo(400);
    assertThat(x.accepted()).isEmpty();
  }

  @Test
  void aSpentWindowAndAUsageCapAre429sWithTheirResetTime() throws Exception {
    dm("1", tokens.accessToken(), "application/json", "{\"text\":\"a\"}");
    dm("1", tokens.accessToken(), "application/json", "{\"text\":\"b\"}");
    HttpResponse<String> limited =
        dm("1", tokens.accessToken(), "application/json", "{\"text\":\"c\"}");
    Instant until = Instant.now().plusSeconds(3600).truncatedTo(ChronoUnit.SECONDS);
    x.rateWindow(5, Instant.now().plusSeconds(900));
    x.usageCap("Daily", until);
    HttpResponse<String> capped =
        dm("1", tokens.accessToken(), "application/json", "{\"text\":\"d\"}");

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("x-rate-limit-remaining")).contains("0");
    assertThat(capped.statusCode()).isEqualTo(429);
    assertThat(json(capped).path("type").asText()).endsWith("/usage-capped");
    assertThat(json(capped).path("period").asText()).isEqualTo("Daily");
    assertThat(capped.headers().firstValue("x-rate-limit-reset"))
        .contains(String.valueOf(until.getEpochSecond()));
    assertThat(x.accepted()).hasSize(2);
  }

  @Test
  void aRefreshRotatesBothTokensAndTheOldRefreshTokenIsRefused() throws Exception {
    String form =
        "grant_type=refresh_token&refresh_token="
            + tokens.refreshToken()
            + "&client_id="
            + x.options().clientId();

    HttpResponse<String> first = refresh(form, null);
    HttpResponse<String> reused = refresh(form, null);
    x.expireAccessTokens();
    HttpResponse<String> expired =
        dm("1", tokens.accessToken(), "application/json", "{\"text\":\"old token\"}");

    assertThat(first.statusCode()).isEqualTo(200);
    JsonNode pair = json(first);
    assertThat(pair.path("token_type").asText()).isEqualTo("bearer");
    assertThat(pair.path("expires_in").asLong()).isEqualTo(7200);
    assertThat(pair.path("refresh_token").asText()).isNotEqualTo(tokens.refreshToken());
    assertThat(reused.statusCode()).isEqualTo(400);
    assertThat(json(reused).path("error").asText()).isEqualTo("invalid_request");
    assertThat(expired.statusCode()).isEqualTo(401);
  }

  @Test
  void aConfidentialClientMustAuthenticateWithBasic() throws Exception {
    XStub confidential = XStub.start(XStub.Options.defaults().withClientSecret("s3cret"));
    try {
      XStub.Tokens pair = confidential.issueTokens();
      String form = "grant_type=refresh_token&refresh_token=" + pair.refreshToken();
      String basic =
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(
                      (confidential.options().clientId() + ":s3cret")
                          .getBytes(StandardCharsets.UTF_8));

      assertThat(refresh(confidential, form, null).statusCode()).isEqualTo(401);
      assertThat(refresh(confidential, form, basic).statusCode()).isEqualTo(200);
    } finally {
      confidential.close();
    }
  }

  @Test
  void itCallsAWebhookAsXDoesAndChecksTheCrcAnswer() throws Exception {
    String secret = x.options().consumerSecret();
    HttpServer hook =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hook.createContext(
        "/hook",
        exchange -> {
          String query = exchange.getRequestURI().getQuery();
          String answer;
          if (query != null && query.startsWith("crc_token=")) {
            String token = query.substring("crc_token=".length());
            answer = "{\"response_token\":\"" + XStub.sign(secret, token.getBytes()) + "\"}";
          } else {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String signature =
                exchange.getRequestHeaders().getFirst("x-twitter-webhooks-signature");
            answer = XStub.sign(secret, body).equals(signature) ? "signed" : "unsigned";
          }
          byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    hook.start();
    try {
      URI uri = URI.create("http://127.0.0.1:" + hook.getAddress().getPort() + "/hook");
      String event = XStub.dmEvent("2244994945", "1", "3001969357", "2244994945", "hi");

      assertThat(x.crc(uri, "9b4507b3-9040-4669-9ca3-6b94edb50553").valid()).isTrue();
      assertThat(x.deliver(uri, event).body()).isEqualTo("signed");
      assertThat(x.deliver(uri, event, "sha256=forged").body()).isEqualTo("unsigned");
    } finally {
      hook.stop(0);
    }
  }
}
