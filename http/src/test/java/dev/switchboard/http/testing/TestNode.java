package dev.switchboard.http.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.http.SwitchboardApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A whole Switchboard node in this JVM, on real parts: the broker URI it is given, the journal on
 * the local PostgreSQL (or H2 when asked), HTTP and management on free ports, cluster remoting on a
 * free port. The {@code sandbox} and {@code sms} channels are enabled, both served by the sandbox
 * provider; webhook targets may be private (loopback receivers).
 */
public final class TestNode implements AutoCloseable {
  /** The PostgreSQL every integration test journals to; override with -Dswitchboard.test.db-url. */
  public static final String POSTGRES_URL =
      System.getProperty("switchboard.test.db-url", "jdbc:postgresql://127.0.0.1:5432/test");

  public static final String POSTGRES_USER =
      System.getProperty("switchboard.test.db-user", "postgres");

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final SwitchboardApp app;
  private final String apiKey;
  private final Path dataDir;
  private final String scheme;
  private final HttpClient client;

  private TestNode(SwitchboardApp app, String apiKey, Path dataDir, TestKeyStore tls) {
    this.app = app;
    this.apiKey = apiKey;
    this.dataDir = dataDir;
    this.scheme = tls == null ? "http" : "https";
    HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    this.client = (tls == null ? client : client.sslContext(tls.trustingContext())).build();
  }

  /**
   * A node on {@code amqpUri} journaling to PostgreSQL, with extra settings over the defaults,
   * returned once it is ready (every broker connection up), so a first send cannot race its
   * connections.
   */
  public static TestNode start(String amqpUri, Map<String, Object> overrides) {
    return awaitReady(startNotReady(amqpUri, overrides));
  }

  /** As {@link #start}, but returned as soon as HTTP is bound, ready or not. */
  public static TestNode startNotReady(String amqpUri, Map<String, Object> overrides) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("switchboard.db.url", POSTGRES_URL);
    settings.put("switchboard.db.user", POSTGRES_USER);
    settings.putAll(overrides);
    try {
      return startWith(amqpUri, Files.createTempDirectory("switchboard-test"), settings, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * As {@link #start}, with the API port serving HTTPS from {@code keyStore}; this node's requests
   * to the API trust that certificate alone (the management port stays plain HTTP).
   */
  public static TestNode startHttps(
      String amqpUri, TestKeyStore keyStore, Map<String, Object> overrides) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("switchboard.db.url", POSTGRES_URL);
    settings.put("switchboard.db.user", POSTGRES_USER);
    settings.put("switchboard.http.tls.key-store", keyStore.path().toString());
    settings.put("switchboard.http.tls.key-store-password", keyStore.password());
    settings.putAll(overrides);
    try {
      return awaitReady(
          startWith(amqpUri, Files.createTempDirectory("switchboard-test"), settings, keyStore));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A node on {@code amqpUri} with the embedded H2 journal in {@code dataDir}. */
  public static TestNode startEmbedded(
      String amqpUri, Path dataDir, Map<String, Object> overrides) {
    return awaitReady(startWith(amqpUri, dataDir, overrides, null));
  }

  private static TestNode awaitReady(TestNode node) {
    try {
      node.awaitReady(Duration.ofSeconds(60));
      return node;
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
  }

  /**
   * Waits until {@code /health/ready} answers 200 with every broker connection up (a node is ready
   * without its broker, accepting into the outbox; tests start from a connected node).
   */
  public void awaitReady(Duration bound) {
    org.awaitility.Awaitility.await("node ready, brokers up")
        .atMost(bound)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              Response ready = HealthWatch.probe(this, "/health/ready");
              if (ready.status() != 200) {
                return false;
              }
              var components = ready.json().path("components").fields();
              while (components.hasNext()) {
                var c = components.next();
                if (c.getKey().startsWith("broker.")
                    && !"UP".equals(c.getValue().path("status").asText())) {
                  return false;
                }
              }
              return true;
            });
  }

  private static TestNode startWith(
      String amqpUri, Path dataDir, Map<String, Object> overrides, TestKeyStore tls) {
    String apiKey = "test-" + UUID.randomUUID();
    Map<String, Object> settings = new HashMap<>();
    settings.put("switchboard.http.host", "127.0.0.1");
    settings.put("switchboard.http.port", 0);
    settings.put("switchboard.http.management.host", "127.0.0.1");
    settings.put("switchboard.http.management.port", 0);
    settings.put("switchboard.http.api-key", apiKey);
    settings.put("switchboard.broker.uri", amqpUri);
    settings.put("switchboard.db.data-dir", dataDir.toString());
    settings.put("pekko.remote.artery.canonical.port", 0);
    settings.put("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
    // Load and fault tests drive one account as hard as the node goes; RateLimitTest sets a limit.
    settings.put("switchboard.http.rate-limit.per-second", 1_000_000);
    settings.put("switchboard.http.rate-limit.burst", 1_000_000);
    // Callbacks to receivers on loopback; a test of the SSRF policy turns it off.
    settings.put("switchboard.webhooks.allow-private", true);
    // The PostgreSQL journal is shared by every test run: a reconciler would move other runs'
    // messages on. Tests of the reconciler turn it on, on a journal schema of their own.
    settings.put("switchboard.engine.reconciler.enabled", false);
    settings.putAll(overrides);
    Config config =
        ConfigFactory.parseMap(settings)
            .withFallback(
                ConfigFactory.parseString(
                    "switchboard.engine.channels {"
                        + " sandbox { provider = sandbox, ledger = on },"
                        + " sms { provider = sandbox, ledger = on } }"));
    try {
      return new TestNode(
          SwitchboardApp.start(config, Duration.ofSeconds(60)), apiKey, dataDir, tls);
    } catch (Exception e) {
      throw new IllegalStateException("the node did not start", e);
    }
  }

  public String apiKey() {
    return apiKey;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** A path on the API port, {@code https} when the node serves TLS. */
  public URI uri(String path) {
    return URI.create(scheme + "://127.0.0.1:" + app.port() + path);
  }

  /** A path on the management port (detailed health, metrics). */
  public URI managementUri(String path) {
    return URI.create("http://127.0.0.1:" + app.managementPort() + path);
  }

  /** GETs from the management port, without credentials, as a probe or Prometheus would. */
  public Response management(String path) {
    return send(HttpRequest.newBuilder(managementUri(path)).timeout(REQUEST_TIMEOUT).GET().build());
  }

  /** One component of the management port's {@code /health/ready} ({@code broker.sandbox}, ...). */
  public JsonNode component(String name) {
    return management("/health/ready").json().path("components").path(name);
  }

  /** POSTs JSON with this node's key and any extra headers (name, value, name, value...). */
  public Response post(String path, String json, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", "Bearer " + apiKey)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    for (int i = 0; i < headers.length; i += 2) {
      request.setHeader(headers[i], headers[i + 1]);
    }
    return send(request.build());
  }

  /** GETs with this node's key. */
  public Response get(String path) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", "Bearer " + apiKey)
            .GET()
            .build());
  }

  /** Sends any request as it is. */
  public Response send(HttpRequest request) {
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body(), response.headers().map());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends one message to the sandbox channel and returns the response. */
  public Response sendSandbox(String to, String text) {
    return post(
        "/v1/messages",
        "{\"channel\":\"sandbox\",\"to\":\"" + to + "\",\"text\":\"" + text + "\"}");
  }

  /** The message's current status, or null when it cannot be read. */
  public String statusOf(String id) {
    Response r = get("/v1/messages/" + id);
    return r.status() == 200 ? r.json().path("status").asText() : null;
  }

  /** One metric's value from /metrics (the sum of its series matching every label given). */
  public double metric(String name, String... labels) {
    Response r = management("/metrics");
    double sum = 0;
    for (String line : r.body().split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        boolean matches = true;
        for (String label : labels) {
          matches &= line.contains(label);
        }
        if (matches) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return sum;
  }

  public SwitchboardApp app() {
    return app;
  }

  @Override
  public void close() {
    app.close();
  }

  /** An HTTP response, read whole. */
  public record Response(int status, String body, Map<String, java.util.List<String>> headers) {
    public JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
      }
    }

    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }
}
