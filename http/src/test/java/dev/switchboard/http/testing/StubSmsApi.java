package dev.switchboard.http.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP SMS API on loopback for {@link StubApiProvider}: {@code POST /messages} with {@code
 * {"id","to"}} is answered with the status the test sets ({@code 200} unless told), and every
 * message it answered {@code 2xx} is counted by our id, as a {@link ProviderRecord}: the messages
 * it refused never reached a handset.
 */
public final class StubSmsApi implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile int status = 200;

  private StubSmsApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/messages", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  public static StubSmsApi start() throws IOException {
    return new StubSmsApi();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/messages";
  }

  /** Every request from now on is answered with {@code status}. */
  public void answer(int status) {
    this.status = status;
  }

  /** Requests received, answered whatever way. */
  public int requests() {
    return requests.get();
  }

  /** How often the message with our id {@code id} was accepted ({@code 2xx}). */
  public int accepted(String id) {
    AtomicInteger n = accepted.get(id);
    return n == null ? 0 : n.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String id = MAPPER.readTree(exchange.getRequestBody().readAllBytes()).path("id").asText();
      requests.incrementAndGet();
      int answer = status;
      if (answer / 100 == 2) {
        accepted.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
      }
      byte[] body = ("{\"status\":" + answer + "}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(answer, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
