package dev.switchboard.engine.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private RabbitMQ node for tests that stop, restart or otherwise break a broker, so that the
 * shared node ({@code rabbit@localhost} on port 5672) is never touched.
 *
 * <p>The node gets its own name ({@code sb-test-<port>@<hostname -s>}), AMQP port, distribution
 * port ({@code port + 20000}), data, log and config directories under a fresh temp directory, and
 * its own {@code rabbitmq-env.conf}, so neither {@code /etc/rabbitmq/rabbitmq.conf} nor the shared
 * {@code NODENAME} applies. It listens on 127.0.0.1 only; {@code guest} may log in from there.
 *
 * <p>Everything here runs the Debian package's {@code rabbitmq-server} and {@code rabbitmqctl},
 * which switch to the {@code rabbitmq} user, so the JVM must run as root (or as {@code rabbitmq}).
 * Every call is bounded by a timeout and fails with the command's output (and the node's log tail
 * when starting). The node process is recognisable in {@code ps aux | grep sb-test} by the marker
 * argument {@code -switchboard_test_node sb-test-<port>}; a JVM shutdown hook kills it if {@link
 * #close()} was never called.
 *
 * <pre>{@code
 * try (RabbitNode node = RabbitNode.start(RabbitNode.freePort())) {
 *   factory.setUri(node.amqpUri());
 *   node.stopApp(); // connections are refused
 *   node.startApp(); // accepted again
 * }
 * }</pre>
 */
public final class RabbitNode implements AutoCloseable {

  /** The distribution (inter-node and CLI) port is the AMQP port plus this. */
  public static final int DIST_PORT_OFFSET = 20000;

  // Both the AMQP port and port + 20000 stay below Linux's ephemeral range (32768 and up), so an
  // outgoing connection cannot grab them between freePort() and the node binding them.
  private static final int MIN_FREE_PORT = 10000;
  private static final int MAX_FREE_PORT = 12700;
  private static final int MAX_PORT = 45535 - 1;

  private static final Duration CTL_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(30);
  private static final int STARTUP_TIMEOUT_SECONDS = 90;
  private static final int STOP_TIMEOUT_SECONDS = 30;
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private final int port;
  private final String nodeName;
  private final Path dir;
  private final Path pidFile;
  private final Path logFile;
  private final Map<String, String> env;
  private final Thread shutdownHook;
  private volatile long beamPid = -1;
  private volatile boolean closed;

  private RabbitNode(int port, String nodeName, Path dir) {
    this.port = port;
    this.nodeName = nodeName;
    this.dir = dir;
    this.pidFile = dir.resolve("node.pid");
    this.logFile = dir.resolve("log").resolve(nodeName + ".log");
    Map<String, String> e = new LinkedHashMap<>();
    e.put("RABBITMQ_NODENAME", nodeName);
    e.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
    e.put("RABBITMQ_NODE_PORT", Integer.toString(port));
    e.put("RABBITMQ_DIST_PORT", Integer.toString(port + DIST_PORT_OFFSET));
    e.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
    e.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
    e.put("RABBITMQ_PID_FILE", pidFile.toString());
    e.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
    e.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
    e.put("RABBITMQ_ADVANCED_CONFIG_FILE", dir.resolve("advanced.config").toString());
    e.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
    e.put(
        "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS",
        "-kernel inet_dist_use_interface {127,0,0,1} -switchboard_test_node sb-test-" + port);
    this.env = Map.copyOf(e);
    this.shutdownHook = new Thread(this::killNow, "rabbit-node-" + port + "-reaper");
  }

  /**
   * Starts a private node listening on 127.0.0.1:{@code port} (distribution port {@code port +
   * 20000}) in a fresh temp directory and returns once it accepts connections.
   */
  public static RabbitNode start(int port) {
    if (port < 1024 || port > MAX_PORT) {
      throw new IllegalArgumentException(
          "port must be in [1024, " + MAX_PORT + "] so that port + 20000 is valid: " + port);
    }
    String user = System.getProperty("user.name");
    boolean root = "root".equals(user);
    if (!root && !"rabbitmq".equals(user)) {
      throw new IllegalStateException(
          "RabbitNode must run as root or rabbitmq (the Debian rabbitmq scripts switch to the"
              + " rabbitmq user), not as "
              + user);
    }
    String host = Commands.check(Map.of(), Duration.ofSeconds(10), "hostname", "-s").trim();
    String nodeName = "sb-test-" + port + "@" + host;
    Path dir;
    try {
      dir = Files.createTempDirectory(tempBase(), "sb-test-" + port + "-");
      Files.createDirectories(dir.resolve("mnesia"));
      Files.createDirectories(dir.resolve("log"));
      write(dir.resolve("enabled_plugins"), "[].\n");
      write(dir.resolve("advanced.config"), "[].\n");
      write(
          dir.resolve("rabbitmq.conf"),
          "# Private test node written by RabbitNode; /etc/rabbitmq/rabbitmq.conf is not read.\n"
              + "listeners.tcp.1 = 127.0.0.1:"
              + port
              + "\n"
              + "loopback_users.guest = true\n"
              + "log.console = false\n"
              + "log.file.level = info\n");
      write(
          dir.resolve("rabbitmq-env.conf"),
          "# Private test node written by RabbitNode; replaces /etc/rabbitmq/rabbitmq-env.conf.\n"
              + "ERL_EPMD_ADDRESS=127.0.0.1\n");
    } catch (IOException e) {
      throw new UncheckedIOException("could not prepare a directory for a RabbitMQ node", e);
    }
    if (root) {
      Commands.check(
          Map.of(), Duration.ofSeconds(30), "chown", "-R", "rabbitmq:rabbitmq", dir.toString());
    }
    RabbitNode node = new RabbitNode(port, nodeName, dir);
    Runtime.getRuntime().addShutdownHook(node.shutdownHook);
    try {
      node.startNode();
    } catch (RuntimeException e) {
      try {
        node.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
    return node;
  }

  /**
   * Returns a port that is free on 127.0.0.1 and whose distribution port ({@code port + 20000}) is
   * free too. Both lie below the kernel's ephemeral port range.
   */
  public static int freePort() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 500; attempt++) {
      int candidate = random.nextInt(MIN_FREE_PORT, MAX_FREE_PORT);
      if (canBind(candidate) && canBind(candidate + DIST_PORT_OFFSET)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "no free port pair (p, p + " + DIST_PORT_OFFSET + ") found on 127.0.0.1");
  }

  /** {@code amqp://guest:guest@127.0.0.1:<port>}, the default vhost. */
  public String amqpUri() {
    return "amqp://guest:guest@127.0.0.1:" + port;
  }

  /** The AMQP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The Erlang node name, {@code sb-test-<port>@<host>}. */
  public String nodeName() {
    return nodeName;
  }

  /** The node's main log file, useful when a test fails. */
  public Path logFile() {
    return logFile;
  }

  /** {@code rabbitmqctl stop_app}: the Erlang VM stays up, AMQP connections are refused. */
  public void stopApp() {
    ctl("stop_app");
  }

  /** {@code rabbitmqctl start_app}, returning once the node accepts connections again. */
  public void startApp() {
    ctl("start_app");
    awaitStartup();
  }

  /** Stops the whole node (Erlang VM included) and waits until its AMQP port is closed. */
  public void stopNode() {
    ensureOpen();
    ctlWithTimeout(
        Duration.ofSeconds(STOP_TIMEOUT_SECONDS + 10),
        "shutdown",
        "--timeout",
        Integer.toString(STOP_TIMEOUT_SECONDS));
    await()
        .alias("port " + port + " of " + nodeName + " closed after shutdown")
        .atMost(Duration.ofSeconds(STOP_TIMEOUT_SECONDS))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !portOpen());
    beam().ifPresent(RabbitNode::awaitExit);
  }

  /**
   * Starts the node (again) on the same directories and ports, returning once it accepts
   * connections. Data survives a {@link #stopNode()}/{@code startNode()} cycle.
   */
  public void startNode() {
    ensureOpen();
    try {
      Files.deleteIfExists(pidFile); // a stale one from a killed node would fool `rabbitmqctl wait`
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Commands.run(env, LAUNCH_TIMEOUT, List.of("rabbitmq-server", "-detached")).orThrow();
      String timeout = Integer.toString(STARTUP_TIMEOUT_SECONDS);
      Duration bound = Duration.ofSeconds(STARTUP_TIMEOUT_SECONDS + 10);
      // `wait` follows the pid file, so it does not fail before the node registers with epmd the
      // way a bare await_startup does right after a detached launch.
      ctlWithTimeout(bound, "wait", pidFile.toString(), "--timeout", timeout);
      beamPid = readPid().orElse(-1L);
      ctlWithTimeout(bound, "await_startup", "--timeout", timeout);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "RabbitMQ node " + nodeName + " did not start\n--- log tail ---\n" + logTail(40), e);
    }
  }

  /** {@code rabbitmqctl close_all_connections --global <reason>}: every client is disconnected. */
  public void closeAllConnections(String reason) {
    ctl("close_all_connections", "--global", reason);
  }

  /**
   * {@code rabbitmqctl set_vm_memory_high_watermark <fraction>}; a tiny fraction (or 0) raises the
   * memory alarm and blocks publishers, 0.4 is the default.
   */
  public void setMemoryWatermark(double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fraction must be in [0, 1]: " + fraction);
    }
    ctl("set_vm_memory_high_watermark", BigDecimal.valueOf(fraction).toPlainString());
  }

  /**
   * A queue as the broker counts it: messages ready for delivery and messages delivered but not yet
   * acknowledged. Quorum queues publish these figures on a tick (every 5 s by default), so a
   * reading may be that much out of date.
   */
  public record QueueCounts(String broker, String queue, long ready, long unacked) {
    /** Ready plus unacknowledged: what is still on its way. */
    public long inFlight() {
      return ready + unacked;
    }

    @Override
    public String toString() {
      return broker + " " + queue + " ready=" + ready + " unacked=" + unacked;
    }

    /**
     * Parses {@code list_queues -q --no-table-headers name messages_ready messages_unacknowledged}.
     */
    static Map<String, QueueCounts> parse(String broker, String output) {
      Map<String, QueueCounts> counts = new LinkedHashMap<>();
      for (String line : output.split("\n")) {
        String[] columns = line.trim().split("\t");
        if (columns.length == 3 && columns[1].matches("\\d+") && columns[2].matches("\\d+")) {
          counts.put(
              columns[0],
              new QueueCounts(
                  broker, columns[0], Long.parseLong(columns[1]), Long.parseLong(columns[2])));
        }
      }
      return counts;
    }

    /** The arguments of {@code rabbitmqctl} that {@link #parse} reads, for {@code vhost}. */
    static String[] listArgs(String vhost) {
      return new String[] {
        "list_queues",
        "-q",
        "--no-table-headers",
        "-p",
        vhost,
        "name",
        "messages_ready",
        "messages_unacknowledged"
      };
    }
  }

  /** Every queue of the default vhost {@code /} by name, with its ready and unacked counts. */
  public Map<String, QueueCounts> queueCounts() {
    return QueueCounts.parse(nodeName, ctl(QueueCounts.listArgs("/")));
  }

  /** One queue of the default vhost; throws when there is no such queue. */
  public QueueCounts queueCounts(String queue) {
    QueueCounts counts = queueCounts().get(queue);
    if (counts == null) {
      throw new IllegalStateException("no queue " + queue + " on " + nodeName);
    }
    return counts;
  }

  /** Creates {@code vhost} and gives {@code guest} full permissions on it. */
  public void addVhost(String vhost) {
    ctl("add_vhost", vhost);
    ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
  }

  /** Runs {@code rabbitmqctl -n <node> <args>} and returns its output; throws on failure. */
  public String ctl(String... args) {
    return ctlWithTimeout(CTL_TIMEOUT, args);
  }

  /**
   * Stops the node, killing it if a clean shutdown does not finish within about 30 seconds, and
   * deletes its directory. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Optional<ProcessHandle> beam = beam();
      if (beam.isPresent() || beamPid < 0) {
        // No known pid may still mean a half-started node: ask anyway, it fails fast if absent.
        try {
          Commands.rabbitmqctl(
              env,
              Duration.ofSeconds(STOP_TIMEOUT_SECONDS + 5),
              List.of(
                  "-n", nodeName, "shutdown", "--timeout", Integer.toString(STOP_TIMEOUT_SECONDS)));
        } catch (RuntimeException timedOut) {
          // fall through to the kill below
        }
      }
      killNow();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook is running or about to; it does the same work
      }
    }
  }

  @Override
  public String toString() {
    return "RabbitNode[" + nodeName + ", " + amqpUri() + ", " + dir + "]";
  }

  private String ctlWithTimeout(Duration timeout, String... args) {
    ensureOpen();
    List<String> full = new ArrayList<>(List.of("-n", nodeName));
    full.addAll(List.of(args));
    return Commands.rabbitmqctl(env, timeout, full).orThrow();
  }

  private void awaitStartup() {
    ctlWithTimeout(
        Duration.ofSeconds(STARTUP_TIMEOUT_SECONDS + 10),
        "await_startup",
        "--timeout",
        Integer.toString(STARTUP_TIMEOUT_SECONDS));
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
  }

  /** Kills the node's VM if it is still there and deletes the directory; no rabbitmqctl. */
  private void killNow() {
    try {
      beam()
          .ifPresent(
              process -> {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                awaitExit(process);
              });
    } finally {
      deleteRecursively(dir);
    }
  }

  /** The running beam.smp of this node, from the last start or the pid file. */
  private Optional<ProcessHandle> beam() {
    long pid = beamPid >= 0 ? beamPid : readPid().orElse(-1L);
    if (pid < 0) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.contains("beam")).orElse(true));
  }

  private Optional<Long> readPid() {
    try {
      if (!Files.isRegularFile(pidFile)) {
        return Optional.empty();
      }
      String text = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
      return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static void awaitExit(ProcessHandle process) {
    try {
      process.onExit().get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("RabbitMQ VM pid " + process.pid() + " did not exit", e);
    }
  }

  private boolean portOpen() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String logTail(int lines) {
    try {
      if (!Files.isRegularFile(logFile)) {
        return "(no log file at " + logFile + ")";
      }
      List<String> all =
          List.of(new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).split("\n", -1));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(could not read " + logFile + ": " + e + ")";
    }
  }

  private static boolean canBind(int candidate) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), candidate));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** /tmp rather than a possibly private java.io.tmpdir: the rabbitmq user must reach the dir. */
  private static Path tempBase() {
    Path tmp = Path.of("/tmp");
    return Files.isDirectory(tmp) ? tmp : Path.of(System.getProperty("java.io.tmpdir"));
  }

  private static void write(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort: a leftover temp dir is harmless
                }
              });
    } catch (IOException | UncheckedIOException ignored) {
      // best effort
    }
  }
}
