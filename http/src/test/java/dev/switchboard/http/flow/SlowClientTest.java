package dev.switchboard.http.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.engine.testing.SharedBroker;
import dev.switchboard.http.testing.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Clients that send a request's head and then too little of its body, slowly or not at all, or a
 * body that is not valid HTTP, get a 4xx with the error body within a bound, never a 5xx, over a
 * raw socket; the node serves everyone else meanwhile.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowClientTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(1);
  private static final String BODY =
      "{\"channel\":\"sandbox\",\"to\":\"+447700900123\",\"text\":\"slow\"}";

  private String amqpUri;
  private TestNode node;

  @BeforeAll
  void start() {
    amqpUri = SharedBroker.freshVhostUri("slowclient");
    node =
        TestNode.start(
            amqpUri,
            Map.of("switchboard.http.body-read-timeout", BODY_READ_TIMEOUT.toMillis() + "ms"));
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
    SharedBroker.deleteVhost(SharedBroker.vhostOf(amqpUri));
  }

  @Test
  void aBodyThatStopsHalfWayIs408() throws IOException {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(head("Content-Length: " + BODY.length()));
      out.write(BODY.substring(0, 10).getBytes(StandardCharsets.US_ASCII));
      out.flush();

      RawResponse response = RawResponse.read(socket.getInputStream());

      assertThat(response.status()).as(response.text()).isEqualTo(408);
      assertThat(response.json().path("error").path("code").asText()).isEqualTo("request_timeout");
    }
  }

  @Test
  void aBodyDribbledSlowerThanTheBoundIs408() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(head("Content-Length: " + BODY.length()));
      out.flush();
      long started = System.nanoTime();
      // One byte every 100 ms: the whole body would take over 5 s; the bound is 1 s.
      RawResponse response = null;
      for (int i = 0; i < BODY.length() && response == null; i++) {
        out.write(BODY.charAt(i));
        out.flush();
        response = RawResponse.readWithin(socket, Duration.ofMillis(100));
      }
      if (response == null) {
        response = RawResponse.read(socket.getInputStream());
      }

      assertThat(response.status()).as(response.text()).isEqualTo(408);
      assertThat(response.json().path("error").path("code").asText()).isEqualTo("request_timeout");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }
  }

  @Test
  void aChunkedBodyThatIsNotHttpIs400() throws IOException {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(head("Transfer-Encoding: chunked"));
      out.write("5\r\n{\"cha\r\nzz-not-a-chunk-size\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();

      RawResponse response = RawResponse.read(socket.getInputStream());

      assertThat(response.status()).as(response.text()).isEqualTo(400);
      assertThat(response.json().path("error").path("code").asText()).isEqualTo("invalid_request");
    }
  }

  @Test
  void aWholeBodyAfterTheSlowOnesIsAccepted() {
    assertThat(node.post("/v1/messages", BODY).status()).isEqualTo(202);
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", node.uri("/").getPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private byte[] head(String lengthHeader) {
    return ("POST /v1/messages HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\n"
            + "Authorization: Bearer "
            + node.apiKey()
            + "\r\n"
            + "Content-Type: application/json\r\n"
            + lengthHeader
            + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** A response read off a raw socket up to the end of its Content-Length body. */
  private record RawResponse(int status, String text) {
    JsonNode json() throws IOException {
      return MAPPER.readTree(text.substring(text.indexOf("\r\n\r\n") + 4));
    }

    /** A response if one starts arriving within {@code wait}, else null. */
    static RawResponse readWithin(Socket socket, Duration wait) throws IOException {
      int timeout = socket.getSoTimeout();
      socket.setSoTimeout((int) wait.toMillis());
      try {
        InputStream in = socket.getInputStream();
        int first = in.read();
        socket.setSoTimeout(timeout);
        return first < 0 ? new RawResponse(-1, "") : read(in, first);
      } catch (SocketTimeoutException e) {
        return null;
      } finally {
        socket.setSoTimeout(timeout);
      }
    }

    static RawResponse read(InputStream in) throws IOException {
      int first = in.read();
      return first < 0 ? new RawResponse(-1, "(closed without an answer)") : read(in, first);
    }

    private static RawResponse read(InputStream in, int first) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.write(first);
      int contentLength = -1;
      int headEnd = -1;
      int b;
      while ((b = in.read()) >= 0) {
        bytes.write(b);
        String text = bytes.toString(StandardCharsets.ISO_8859_1);
        if (headEnd < 0 && text.endsWith("\r\n\r\n")) {
          headEnd = text.length();
          for (String line : text.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
              contentLength = Integer.parseInt(line.substring(15).trim());
            }
          }
          if (contentLength <= 0) {
            break;
          }
        }
        if (headEnd >= 0 && bytes.size() >= headEnd + contentLength) {
          break;
        }
      }
      String text = bytes.toString(StandardCharsets.UTF_8);
      return new RawResponse(Integer.parseInt(text.substring(9, 12)), text);
    }
  }
}
