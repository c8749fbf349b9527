package dev.switchboard.bench.drive;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The engine under test, as an operator runs it: {@code java -Xmx.. -jar switchboard.jar}, its own
 * process, configured by its documented environment variables. A process of its own is what lets
 * the benchmark read its CPU time and memory from {@code /proc}, apart from the load generator's.
 */
public final class EngineProcess implements AutoCloseable {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  /**
   * How to start it. {@code dbUrl} empty: the embedded H2 journal in {@code dataDir}. {@code
   * channel} is the one the load goes to (its counters are read); {@code smppUri} empty: no SMPP
   * bind, else {@code SWITCHBOARD_SMPP_URI}.
   */
  public record Spec(
      Path jar,
      Path dataDir,
      String amqpUri,
      String dbUrl,
      String dbUser,
      String heap,
      List<String> jvmOptions,
      String channel,
      String smppUri) {}

  private final Process process;
  private final Path log;
  private final int httpPort;
  private final int managementPort;
  private final String apiKey;
  private final String channel;

  private EngineProcess(
      Process process, Path log, int httpPort, int managementPort, String apiKey, String channel) {
    this.process = process;
    this.managementPort = managementPort;
    this.channel = channel;
    this.log = log;
    this.httpPort = httpPort;
    this.apiKey = apiKey;
  }

  public static EngineProcess start(Spec spec) throws IOException {
    if (!Files.isRegularFile(spec.jar())) {
      throw new IllegalStateException(
          "no engine jar at " + spec.jar() + ": build it first (mvn -B -q package -DskipTests)");
    }
    int httpPort = freePort();
    int managementPort = freePort();
    String apiKey = "bench-" + UUID.randomUUID();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + spec.heap());
    command.addAll(spec.jvmOptions());
    if (!spec.smppUri().isEmpty()) {
      // The properties also reach engines built before their application.conf mapped
      // SWITCHBOARD_SMPP_URI (the first for those before 2026-12-02, the second for later ones).
      command.add("-Dswitchboard.engine.smpp-uri=" + spec.smppUri());
      command.add("-Dswitchboard.engine.environment-providers.smpp.uri=" + spec.smppUri());
    }
    command.add("-jar");
    command.add(spec.jar().toAbsolutePath().toString());
    // Outside the data directory, which is deleted after the run: the log outlives it.
    Path log = Files.createTempFile("switchboard-bench-engine-", ".log");
    // The working directory is the data directory: no ./application.conf there, so the jar's own
    // application.conf (environment overrides) is the configuration.
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(spec.dataDir().toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("SWITCHBOARD_HTTP_PORT", Integer.toString(httpPort));
    env.put("SWITCHBOARD_MANAGEMENT_PORT", Integer.toString(managementPort));
    // The benchmark measures the engine's capacity with one account: its rate limit (default
    // 1000 requests/s, below the single-send rate) would measure the limit instead.
    env.put("SWITCHBOARD_RATE_LIMIT_PER_SECOND", "1000000");
    env.put("SWITCHBOARD_RATE_LIMIT_BURST", "1000000");
    env.put("SWITCHBOARD_API_KEY", apiKey);
    env.put("SWITCHBOARD_DATA_DIR", spec.dataDir().toString());
    env.put("SWITCHBOARD_AMQP_URI", spec.amqpUri());
    env.put("SWITCHBOARD_CLUSTER_PORT", Integer.toString(freePort()));
    if (!spec.dbUrl().isEmpty()) {
      env.put("SWITCHBOARD_DB_URL", spec.dbUrl());
      env.put("SWITCHBOARD_DB_USER", spec.dbUser());
    }
    if (!spec.smppUri().isEmpty()) {
      env.put("SWITCHBOARD_SMPP_URI", spec.smppUri());
    }
    return new EngineProcess(
        builder.start(), log, httpPort, managementPort, apiKey, spec.channel());
  }

  /** Waits until {@code /health/ready} answers 200; fails early if the process dies. */
  public void awaitReady(EngineClient client, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the engine exited with " + process.exitValue() + " during start; see " + log);
      }
      if (client.ready()) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the engine was not ready within " + timeout + "; see " + log);
  }

  /** The channel the load goes to. */
  public String channel() {
    return channel;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  public URI base() {
    return URI.create("http://127.0.0.1:" + httpPort);
  }

  /** Detailed health and metrics (an engine before the management port: nothing listens). */
  public URI management() {
    return URI.create("http://127.0.0.1:" + managementPort);
  }

  public String apiKey() {
    return apiKey;
  }

  public Path log() {
    return log;
  }

  /** SIGTERM (the engine's coordinated shutdown), then a kill if it takes too long. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
