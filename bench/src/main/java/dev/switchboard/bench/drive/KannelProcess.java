package dev.switchboard.bench.drive;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Kannel (bearerbox and smsbox of the Debian package, 1.4.5) as the benchmark runs it beside the
 * engine: a kannel.conf of its own in a temp directory, an SMPP transceiver bind to the given SMSC
 * on loopback, a spool store (its counterpart of the engine's journal), no delivery reports, and
 * the two boxes as child processes, so their CPU time can be read from {@code /proc}. Runs as
 * whoever runs the benchmark: both boxes start as root as well, they only write to the temp
 * directory.
 */
public final class KannelProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final String ADMIN_PASSWORD = "bench";
  public static final String USER = "bench";
  public static final String PASSWORD = "bench";
  // For the status page and the readiness probe only; the load has a client of its own.
  private static final HttpClient PROBE =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Where the SMSC is and how Kannel binds to it. */
  public record Bind(int port, String systemId, String password, int window) {}

  private final Path dir;
  private final int adminPort;
  private final int sendsmsPort;
  private final List<Process> boxes = new ArrayList<>();
  private Process watchdog;

  private KannelProcess(Path dir, int adminPort, int sendsmsPort) {
    this.dir = dir;
    this.adminPort = adminPort;
    this.sendsmsPort = sendsmsPort;
  }

  /**
   * The directory holding {@code bearerbox} and {@code smsbox}: {@code binDir} when given, else the
   * first on the PATH, then {@code /usr/sbin} (Debian installs them there, off a user's PATH).
   */
  public static Optional<Path> find(Path binDir) {
    List<String> candidates = new ArrayList<>();
    if (!binDir.toString().isEmpty()) {
      candidates.add(binDir.toString());
    } else {
      String path = System.getenv("PATH");
      if (path != null) {
        candidates.addAll(List.of(path.split(File.pathSeparator)));
      }
      candidates.addAll(List.of("/usr/sbin", "/usr/local/sbin"));
    }
    return candidates.stream()
        .filter(d -> !d.isEmpty())
        .map(Path::of)
        .filter(d -> Files.isExecutable(d.resolve("bearerbox")))
        .filter(d -> Files.isExecutable(d.resolve("smsbox")))
        .findFirst();
  }

  /** Starts bearerbox, then smsbox, and waits until the SMSC is online and sendsms answers. */
  public static KannelProcess start(Path binDir, Bind bind)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("switchboard-bench-kannel");
    KannelProcess kannel = new KannelProcess(dir, freePort(), freePort());
    try {
      kannel.launch(binDir, bind);
    } catch (IOException | InterruptedException | RuntimeException e) {
      kannel.close();
      throw e;
    }
    return kannel;
  }

  private void launch(Path binDir, Bind bind) throws IOException, InterruptedException {
    int boxPort = freePort();
    Path conf = dir.resolve("kannel.conf");
    Files.createDirectories(dir.resolve("store"));
    Files.writeString(conf, conf(bind, boxPort));
    boxes.add(box(binDir, "bearerbox", conf));
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    // smsbox gives up when bearerbox's box port is not open yet: start it once bearerbox answers.
    awaitStatus(deadline, status -> true);
    boxes.add(box(binDir, "smsbox", conf));
    watchdog = watchdog();
    awaitStatus(
        deadline,
        status -> status.contains("(online ") && status.contains("smsbox:") && sendsmsAnswers());
  }

  private String conf(Bind bind, int boxPort) {
    return String.join(
        "\n",
        "group = core",
        "admin-port = " + adminPort,
        "admin-interface = 127.0.0.1",
        "admin-password = " + ADMIN_PASSWORD,
        "status-password = " + ADMIN_PASSWORD,
        "admin-allow-ip = 127.0.0.1",
        "smsbox-port = " + boxPort,
        "smsbox-interface = 127.0.0.1",
        "box-allow-ip = 127.0.0.1",
        "log-file = \"" + dir.resolve("bearerbox.log") + "\"",
        "log-level = 2",
        "store-type = spool",
        "store-location = \"" + dir.resolve("store") + "\"",
        "",
        "group = smsc",
        "smsc = smpp",
        "smsc-id = sim",
        "host = 127.0.0.1",
        "port = " + bind.port(),
        "transceiver-mode = true",
        "smsc-username = " + bind.systemId(),
        "smsc-password = " + bind.password(),
        "system-type = \"\"",
        "max-pending-submits = " + bind.window(),
        "",
        "group = smsbox",
        "bearerbox-host = 127.0.0.1",
        "bearerbox-port = " + boxPort,
        "sendsms-port = " + sendsmsPort,
        "sendsms-interface = 127.0.0.1",
        "log-file = \"" + dir.resolve("smsbox.log") + "\"",
        "log-level = 2",
        "",
        "group = sendsms-user",
        "username = " + USER,
        "password = " + PASSWORD,
        "max-messages = 1",
        "");
  }

  private Process box(Path binDir, String name, Path conf) throws IOException {
    // -v 2: warnings and worse on the console too (it prints debug lines by default).
    return new ProcessBuilder(binDir.resolve(name).toString(), "-v", "2", conf.toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".out").toFile())
        .start();
  }

  // The shutdown hook stops the boxes on Ctrl-C, but not when this JVM is killed outright: a shell
  // that outlives it ends them then, so no Kannel is left running whatever happens.
  private Process watchdog() throws IOException {
    StringBuilder pids = new StringBuilder();
    for (Process box : boxes) {
      pids.append(' ').append(box.pid());
    }
    String script =
        "while kill -0 "
            + ProcessHandle.current().pid()
            + " 2>/dev/null; do sleep 1; done; kill"
            + pids
            + " 2>/dev/null";
    return new ProcessBuilder("sh", "-c", script)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private void awaitStatus(long deadline, java.util.function.Predicate<String> ready)
      throws InterruptedException {
    String last = "";
    while (System.nanoTime() < deadline) {
      for (Process box : boxes) {
        if (!box.isAlive()) {
          throw new IllegalStateException(
              "a Kannel box exited with " + box.exitValue() + " during start; see " + dir);
        }
      }
      last = status().orElse("");
      if (!last.isEmpty() && ready.test(last)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "Kannel was not ready within " + START_TIMEOUT + "; see " + dir + "; status: " + last);
  }

  /** bearerbox's {@code status.txt}, or empty when it does not answer. */
  public Optional<String> status() {
    return get("http://127.0.0.1:" + adminPort + "/status.txt?password=" + ADMIN_PASSWORD)
        .filter(r -> r.statusCode() == 200)
        .map(HttpResponse::body);
  }

  private boolean sendsmsAnswers() {
    // Without credentials smsbox answers 403: it is listening.
    return get(sendsmsBase().toString()).isPresent();
  }

  private static Optional<HttpResponse<String>> get(String uri) {
    try {
      return Optional.of(
          PROBE.send(
              HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** {@code http://127.0.0.1:<sendsms-port>/cgi-bin/sendsms}. */
  public URI sendsmsBase() {
    return URI.create("http://127.0.0.1:" + sendsmsPort + "/cgi-bin/sendsms");
  }

  /** A sendsms GET of {@code text} from {@code Bench} to {@code to}. */
  public HttpRequest sendsms(String to, String text) {
    return HttpRequest.newBuilder(
            URI.create(
                sendsmsBase()
                    + "?username="
                    + USER
                    + "&password="
                    + PASSWORD
                    + "&from=Bench&to="
                    + URLEncoder.encode(to, StandardCharsets.UTF_8)
                    + "&text="
                    + URLEncoder.encode(text, StandardCharsets.UTF_8)))
        .timeout(EngineClient.REQUEST_TIMEOUT)
        .GET()
        .build();
  }

  /** bearerbox's and smsbox's pids, in that order. */
  public List<Long> pids() {
    return boxes.stream().map(Process::pid).toList();
  }

  public Path dir() {
    return dir;
  }

  /**
   * smsbox first (it feeds bearerbox), each SIGTERM then a kill; the store goes, the directory with
   * the configuration and the logs stays, as the engine's log does.
   */
  @Override
  public void close() {
    if (watchdog != null) {
      watchdog.destroy();
    }
    for (int i = boxes.size() - 1; i >= 0; i--) {
      Process box = boxes.get(i);
      box.destroy();
      try {
        if (!box.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          box.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        box.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> paths = Files.walk(dir.resolve("store"))) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not delete Kannel's store in " + dir + ": " + e.getMessage());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
