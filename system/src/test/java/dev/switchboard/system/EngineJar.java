package dev.switchboard.system;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The engine as an operator runs it: {@code java -jar http/target/switchboard.jar}, configured by
 * its documented environment variables, with the same ports and data directory across restarts so a
 * restarted process is the same node to its clients.
 */
final class EngineJar implements AutoCloseable {
  static final Path JAR = Path.of("..", "http", "target", "switchboard.jar");

  private final Map<String, String> env;
  private final List<String> jvmOptions;
  private final int httpPort;
  private final int managementPort;
  private final String apiKey;
  private final Path log;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;

  /**
   * A node on the embedded H2 journal in {@code dataDir}, or on {@code dbUrl} when not empty;
   * {@code jvmOptions} such as {@code -Dswitchboard.x=y} override settings the environment cannot.
   */
  EngineJar(
      Path dataDir,
      String amqpUri,
      String dbUrl,
      Map<String, String> extraEnv,
      List<String> jvmOptions)
      throws IOException {
    this.jvmOptions = List.copyOf(jvmOptions);
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException("no engine jar at " + JAR.toAbsolutePath());
    }
    this.httpPort = freePort();
    this.managementPort = freePort();
    this.apiKey = "system-" + UUID.randomUUID();
    this.log = Files.createTempFile("switchboard-system-", ".log");
    Map<String, String> e = new HashMap<>();
    e.put("SWITCHBOARD_HTTP_PORT", Integer.toString(httpPort));
    e.put("SWITCHBOARD_MANAGEMENT_PORT", Integer.toString(managementPort));
    e.put("SWITCHBOARD_API_KEY", apiKey);
    e.put("SWITCHBOARD_DATA_DIR", dataDir.toString());
    e.put("SWITCHBOARD_AMQP_URI", amqpUri);
    e.put("SWITCHBOARD_CLUSTER_PORT", Integer.toString(freePort()));
    if (!dbUrl.isEmpty()) {
      e.put("SWITCHBOARD_DB_URL", dbUrl);
      e.put("SWITCHBOARD_DB_USER", "root");
    }
    e.putAll(extraEnv);
    this.env = Map.copyOf(e);
  }

  /** Starts the process (its output appended to {@link #log()}) and waits until it is ready. */
  EngineJar start() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(JAR.toAbsolutePath().toString());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(Path.of(env.get("SWITCHBOARD_DATA_DIR")).toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    process = builder.start();
    Awaitility.await("engine ready, log " + log)
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsInstanceOf(IOException.class)
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    "the engine exited with " + process.exitValue() + "; see " + log);
              }
              return get("/health/ready").statusCode() == 200;
            });
    return this;
  }

  /** SIGKILL: no shutdown hook, no flush, nothing of the process's own runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the engine did not die of SIGKILL");
    }
  }

  /** SIGTERM, as an orchestrator stops a node; answers how long it took to exit. */
  Duration terminate() throws InterruptedException {
    long started = System.nanoTime();
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the engine did not exit within 60 s of SIGTERM; see " + log);
    }
    return Duration.ofNanos(System.nanoTime() - started);
  }

  HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
    return http.send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** GETs from the management port: health with every component, metrics. */
  HttpResponse<String> management(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  Path log() {
    return log;
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + apiKey);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
