package dev.switchboard.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** {@link TcpProxy} in front of a tiny echo server, one mode at a time. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpProxyTest {
  private static final Duration BOUND = Duration.ofSeconds(5);
  // Long enough for a proxy on the same machine to forward (or drop) what was written.
  private static final int SILENCE_MILLIS = 500;

  private EchoServer echo;
  private TcpProxy proxy;
  private final List<Socket> clients = new ArrayList<>();

  @BeforeAll
  void startEcho() throws IOException {
    echo = new EchoServer();
  }

  @AfterAll
  void stopEcho() {
    if (echo != null) {
      echo.close();
    }
  }

  @BeforeEach
  void startProxy() {
    proxy = TcpProxy.start("127.0.0.1", echo.port());
  }

  @AfterEach
  void closeAll() throws IOException {
    for (Socket client : clients) {
      client.close();
    }
    clients.clear();
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void passForwardsBothWaysAndCountsConnections() throws IOException {
    Socket a = connect();
    Socket b = connect();
    assertEcho(a, "hello");
    assertEcho(b, "world");
    await().atMost(BOUND).until(() -> proxy.connectionCount() == 2);

    a.close();
    await("a closed client's connection is gone")
        .atMost(BOUND)
        .until(() -> proxy.connectionCount() == 1);
    assertEcho(b, "still there");
  }

  @Test
  void blackholeKeepsConnectionsOpenAcceptsNewOnesAndForwardsNothing() throws IOException {
    Socket before = connect();
    assertEcho(before, "before");

    proxy.blackhole();
    write(before, "lost");
    await("the blackhole swallowed the bytes")
        .atMost(BOUND)
        .until(() -> proxy.discardedBytes() == 4);
    assertSilent(before);
    Socket during = connect();
    write(during, "lost too");
    await().atMost(BOUND).until(() -> proxy.discardedBytes() == 12);
    assertSilent(during);
    assertSilent(before); // still open: silence, not an end of stream
    assertThat(proxy.connectionCount()).isEqualTo(2);

    proxy.pass();
    assertEcho(before, "after");
    assertEcho(during, "healed");
  }

  @Test
  void aCloseOnOneSideDoesNotCrossTheBlackholeUntilItHeals() throws IOException {
    Socket client = connect();
    assertEcho(client, "ping");
    proxy.blackhole();

    echo.closeAll();
    assertSilent(client);
    assertThat(proxy.connectionCount()).isEqualTo(1);

    proxy.pass();
    client.setSoTimeout((int) BOUND.toMillis());
    assertThat(client.getInputStream().read())
        .as("end of stream once the path heals")
        .isEqualTo(-1);
    client.close();
    await().atMost(BOUND).until(() -> proxy.connectionCount() == 0);
  }

  @Test
  void resetAllAbortsEveryConnectionWithARst() throws IOException {
    Socket a = connect();
    Socket b = connect();
    assertEcho(a, "a");
    assertEcho(b, "b");
    await().atMost(BOUND).until(() -> echo.connectionCount() == 2);
    int resetsBefore = echo.resets();

    proxy.resetAll();
    for (Socket client : List.of(a, b)) {
      client.setSoTimeout((int) BOUND.toMillis());
      assertThatThrownBy(() -> client.getInputStream().read())
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("reset");
    }
    assertThat(proxy.connectionCount()).isZero();
    await("the upstream side was aborted too")
        .atMost(BOUND)
        .until(() -> echo.resets() == resetsBefore + 2 && echo.connectionCount() == 0);

    assertEcho(connect(), "new connections still pass");
  }

  @Test
  void latencyDelaysEachDirectionOfExistingConnections() throws IOException {
    Socket client = connect();
    assertThat(roundTripMillis(client, "warm")).isLessThan(300);

    proxy.latency(Duration.ofMillis(300));
    long delayed = roundTripMillis(client, "slow");
    assertThat(delayed).as("a round trip crosses the proxy twice").isBetween(600L, 3_000L);

    proxy.pass();
    assertThat(roundTripMillis(client, "fast")).isLessThan(300);
  }

  @Test
  void aRefusedTargetClosesTheClient() throws IOException {
    int closedPort;
    try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = gone.getLocalPort();
    }
    try (TcpProxy nowhere = TcpProxy.start("127.0.0.1", closedPort);
        Socket client = new Socket(InetAddress.getLoopbackAddress(), nowhere.port())) {
      client.setSoTimeout((int) BOUND.toMillis());
      assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketException.class);
      assertThat(nowhere.connectionCount()).isZero();
    }
  }

  @Test
  void closeIsIdempotentAndLeavesNothingBehind() throws IOException {
    Socket open = connect();
    Socket blackholed = connect();
    assertEcho(open, "x");
    proxy.blackhole();
    blackholed.close(); // its close waits behind the blackhole
    await().atMost(BOUND).until(() -> proxy.connectionCount() == 2);
    String prefix = proxy.threadNamePrefix() + "-";
    assertThat(threadsNamed(prefix)).isNotEmpty().allMatch(Thread::isDaemon);

    proxy.close();
    proxy.close();

    assertThat(proxy.connectionCount()).isZero();
    // A thread that close() interrupted may still be unwinding on a loaded machine: bounded.
    await("threads left after close").atMost(BOUND).until(() -> threadsNamed(prefix).isEmpty());
    open.setSoTimeout((int) BOUND.toMillis());
    assertThat(open.getInputStream().read()).isEqualTo(-1);
    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), proxy.port()).close())
        .isInstanceOf(IOException.class);
  }

  // ---------------------------------------------------------------------------------------------

  private Socket connect() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    socket.setTcpNoDelay(true);
    clients.add(socket);
    return socket;
  }

  private static void write(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Writes {@code text} and reads exactly it back. */
  private static void assertEcho(Socket socket, String text) throws IOException {
    write(socket, text);
    socket.setSoTimeout((int) BOUND.toMillis());
    byte[] expected = text.getBytes(StandardCharsets.US_ASCII);
    byte[] got = socket.getInputStream().readNBytes(expected.length);
    assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo(text);
  }

  /** Nothing arrives, and the stream has not ended: the read times out. */
  private static void assertSilent(Socket socket) throws IOException {
    socket.setSoTimeout(SILENCE_MILLIS);
    assertThatThrownBy(() -> socket.getInputStream().read())
        .isInstanceOf(SocketTimeoutException.class);
    assertThat(socket.isClosed()).isFalse();
  }

  private static long roundTripMillis(Socket socket, String text) throws IOException {
    long started = System.nanoTime();
    assertEcho(socket, text);
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
  }

  private static List<Thread> threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
        .toList();
  }

  /** Echoes every byte back on every connection; counts connections and resets seen. */
  private static final class EchoServer implements AutoCloseable {
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger resets = new AtomicInteger();

    EchoServer() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      daemon("echo-accept", this::acceptLoop).start();
    }

    int port() {
      return server.getLocalPort();
    }

    int connectionCount() {
      return open.size();
    }

    int resets() {
      return resets.get();
    }

    void closeAll() throws IOException {
      for (Socket socket : open) {
        socket.close();
      }
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          open.add(socket);
          daemon("echo-" + socket.getPort(), () -> echo(socket)).start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void echo(Socket socket) {
      try (socket) {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        if (String.valueOf(e.getMessage()).contains("reset")) {
          resets.incrementAndGet();
        }
      } finally {
        open.remove(socket);
      }
    }

    private static Thread daemon(String name, Runnable body) {
      Thread t = new Thread(body, name);
      t.setDaemon(true);
      return t;
    }

    @Override
    public void close() {
      try {
        server.close();
        closeAll();
      } catch (IOException ignored) {
        // best effort
      }
    }
  }
}
