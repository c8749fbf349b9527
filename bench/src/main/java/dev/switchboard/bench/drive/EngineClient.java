package dev.switchboard.bench.drive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.bench.measure.PromText;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The engine's HTTP API as the load generator uses it: one HTTP/1.1 client (pekko-http speaks
 * HTTP/1.1; the JDK client's default would try an h2c upgrade on every new connection), requests
 * built once per kind, and the few reads the benchmark needs.
 */
public final class EngineClient implements AutoCloseable {
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final URI base;
  private final URI management;
  private final String apiKey;
  private final ExecutorService executor;
  private final HttpClient client;

  /** A client of a server without a management port (Kannel's sendsms): everything on base. */
  public EngineClient(URI base, String apiKey, int threads) {
    this(base, base, apiKey, threads);
  }

  /**
   * @param management where the engine's detailed health and metrics are
   */
  public EngineClient(URI base, URI management, String apiKey, int threads) {
    this.base = base;
    this.management = management;
    this.apiKey = apiKey;
    this.executor =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "bench-http");
              t.setDaemon(true);
              return t;
            });
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(executor)
            .build();
  }

  public HttpClient http() {
    return client;
  }

  /** A POST of {@code json} to {@code path} with the API key. */
  public HttpRequest post(String path, String json) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(REQUEST_TIMEOUT)
        .header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  public boolean ready() {
    try {
      return management("/health/ready").statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** The whole {@code /metrics} text. */
  public String metrics() throws IOException {
    return management("/metrics").body();
  }

  // An engine built before the management port serves these on the API port.
  private HttpResponse<String> management(String path) throws IOException {
    try {
      return send(
          HttpRequest.newBuilder(management.resolve(path)).timeout(REQUEST_TIMEOUT).build());
    } catch (java.net.ConnectException e) {
      return send(HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT).build());
    }
  }

  /** One metric's sum over the series matching every label. */
  public double metric(String name, String... labels) throws IOException {
    return PromText.sum(metrics(), name, labels);
  }

  /** {@code GET /v1/messages/{id}}, or empty when it is not 200. */
  public Optional<JsonNode> message(String id) throws IOException {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(base.resolve("/v1/messages/" + id))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + apiKey)
                .build());
    return response.statusCode() == 200
        ? Optional.of(MAPPER.readTree(response.body()))
        : Optional.empty();
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
