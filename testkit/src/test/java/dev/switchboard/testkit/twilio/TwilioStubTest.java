package dev.switchboard.testkit.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TwilioStubTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "stub-token";

  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private TwilioStub stub;
  private String sid;

  @BeforeEach
  void start() throws IOException {
    sid = TwilioStub.newAccountSid();
    stub = TwilioStub.start(sid, TOKEN);
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  @Test
  void signsAsTwilioDoesByThePublishedTestVector() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("Digits", "1234");
    params.put("CallSid", "CA1234567890ABCDE");
    params.put("To", "+18005551212");
    params.put("Caller", "+14158675309");
    params.put("From", "+14158675309");

    assertThat(TwilioSigner.sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params))
        .isEqualTo("RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  }

  @Test
  void aValidSendIsCreatedWithTwiliosMessageJsonAndRecorded() throws Exception {
    HttpResponse<String> r =
        postMessage(sid, sid + ":" + TOKEN, "To=%2B447700900123&From=%2B15005550006&Body=Hi+there");

    assertThat(r.statusCode()).isEqualTo(201);
    JsonNode json = JSON.readTree(r.body());
    assertThat(json.path("sid").asText()).matches("SM[0-9a-f]{32}");
    assertThat(json.path("status").asText()).isEqualTo("queued");
    assertThat(json.path("account_sid").asText()).isEqualTo(sid);
    assertThat(json.path("body").asText()).isEqualTo("Hi there");
    assertThat(stub.acceptedCount()).isEqualTo(1);
    AcceptedMessage m = stub.accepted().get(0);
    assertThat(m.to()).isEqualTo("+447700900123");
    assertThat(m.from()).isEqualTo("+15005550006");
    assertThat(m.sid()).isEqualTo(json.path("sid").asText());
  }

  @Test
  void badCredentialsAndAnotherAccountsPathAreRefusedWithTwiliosErrors() throws Exception {
    HttpResponse<String> wrongToken =
        postMessage(sid, sid + ":nope", "To=%2B447700900123&From=%2B15005550006&Body=x");
    HttpResponse<String> otherAccount =
        postMessage(
            TwilioStub.newAccountSid(),
            sid + ":" + TOKEN,
            "To=%2B447700900123&From=%2B15005550006&Body=x");

    assertThat(wrongToken.statusCode()).isEqualTo(401);
    assertThat(wrongToken.headers().firstValue("WWW-Authenticate")).isPresent();
    assertError(wrongToken, 20003, 401);
    assertThat(otherAccount.statusCode()).isEqualTo(404);
    assertError(otherAccount, 20404, 404);
    assertThat(stub.acceptedCount()).isZero();
  }

  @Test
  void eachMissingOrInvalidFieldGetsItsOwnCode() throws Exception {
    String auth = sid + ":" + TOKEN;
    assertError(postMessage(sid, auth, "From=%2B15005550006&Body=x"), 21604, 400);
    assertError(postMessage(sid, auth, "To=5551234567&From=%2B15005550006&Body=x"), 21211, 400);
    assertError(postMessage(sid, auth, "To=%2B447700900123&Body=x"), 21603, 400);
    assertError(postMessage(sid, auth, "To=%2B447700900123&From=%2B15005550006"), 21602, 400);
    assertError(
        postMessage(sid, auth, "To=%2B447700900123&From=%2B15005550006&Body=" + "a".repeat(1601)),
        21617,
        400);
    assertError(
        postMessage(
            sid, auth, "To=%2B447700900123&From=%2B15005550006&Body=x&ValidityPeriod=36001"),
        21624,
        400);
    assertError(
        postMessage(
            sid,
            auth,
            "To=%2B447700900123&From=%2B15005550006&Body=x&StatusCallback=http%3A%2F%2Fa_b.example%2Fs"),
        21609,
        400);
    assertThat(stub.acceptedCount()).isZero();
  }

  @Test
  void scriptedFailuresComeFirstThenEveryOneUntilStopped() throws Exception {
    String auth = sid + ":" + TOKEN;
    String form = "To=%2B447700900123&From=%2B15005550006&Body=x";
    stub.failNext(1, TwilioFailure.tooManyRequests());

    assertError(postMessage(sid, auth, form), 20429, 429);
    assertThat(postMessage(sid, auth, form).statusCode()).isEqualTo(201);

    stub.failAll(TwilioFailure.serverError());
    assertError(postMessage(sid, auth, form), 20500, 500);
    assertError(postMessage(sid, auth, form), 20500, 500);
    stub.stopFailing();
    assertThat(postMessage(sid, auth, form).statusCode()).isEqualTo(201);
    assertThat(stub.acceptedCount()).isEqualTo(2);
  }

  @Test
  void refusedConnectionsComeBackOnTheSamePort() throws Exception {
    String auth = sid + ":" + TOKEN;
    stub.refuseConnections();

    try {
      postMessage(sid, auth, "To=%2B447700900123&From=%2B15005550006&Body=x");
      throw new AssertionError("connected to a stub that refuses connections");
    } catch (ConnectException expected) {
      // refused, as asked
    }
    stub.acceptConnections();

    assertThat(postMessage(sid, auth, "To=%2B447700900123&From=%2B15005550006&Body=x").statusCode())
        .isEqualTo(201);
  }

  @Test
  void statusCallbacksArePostedSignedWithTheTokenOverTheUrlCalled() throws Exception {
    ConcurrentLinkedQueue<Map<String, String>> received = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> signatures = new ConcurrentLinkedQueue<>();
    HttpServer receiver =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    receiver.createContext(
        "/",
        exchange -> {
          try (exchange) {
            received.add(
                TwilioSigner.parse(
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            signatures.add(exchange.getRequestHeaders().getFirst("X-Twilio-Signature"));
            exchange.sendResponseHeaders(200, -1);
          }
        });
    receiver.start();
    try {
      String callback = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/status?x=1";
      stub.autoStatus("undelivered", "30003");

      postMessage(
          sid,
          sid + ":" + TOKEN,
          "To=%2B447700900123&From=%2B15005550006&Body=x&StatusCallback="
              + java.net.URLEncoder.encode(callback, StandardCharsets.UTF_8));

      await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
      List<Map<String, String>> calls = List.copyOf(received);
      assertThat(calls.get(0).get("MessageStatus")).isEqualTo("sent");
      assertThat(calls.get(1).get("MessageStatus")).isEqualTo("undelivered");
      assertThat(calls.get(1).get("ErrorCode")).isEqualTo("30003");
      assertThat(calls.get(1).get("MessageSid")).isEqualTo(stub.accepted().get(0).sid());
      assertThat(List.copyOf(signatures).get(1))
          .isEqualTo(TwilioSigner.sign(TOKEN, callback, calls.get(1)));
    } finally {
      receiver.stop(0);
    }
  }

  private HttpResponse<String> postMessage(String pathSid, String credentials, String form)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(
                URI.create(stub.baseUrl() + "/2010-04-01/Accounts/" + pathSid + "/Messages.json"))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertError(HttpResponse<String> r, int code, int status) throws IOException {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode json = JSON.readTree(r.body());
    assertThat(json.path("code").asInt()).isEqualTo(code);
    assertThat(json.path("status").asInt()).isEqualTo(status);
    assertThat(json.path("message").asText()).isNotBlank();
    assertThat(json.path("more_info").asText())
        .isEqualTo("https://www.twilio.com/docs/errors/" + code);
  }
}
