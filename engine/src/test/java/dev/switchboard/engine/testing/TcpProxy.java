package dev.switchboard.engine.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy for fault injection: listens on 127.0.0.1 (a free port) and forwards every connection
 * to a target. The mode applies at once to existing and new connections:
 *
 * <ul>
 *   <li>{@link #pass()}: forwards bytes both ways;
 *   <li>{@link #blackhole()}: a dead network path. Connections stay open and new ones are accepted,
 *       but bytes are read and discarded in both directions, and a close on one side is not passed
 *       on to the other until the mode changes;
 *   <li>{@link #latency(Duration)}: forwards every chunk that much later than it was read;
 *   <li>{@link #resetAll()} (an action, not a mode): aborts every current connection on both sides
 *       with SO_LINGER 0, so that both peers see a RST.
 * </ul>
 *
 * <p>Each connection has a reader and a writer thread per direction; all threads are daemons named
 * {@code tcp-proxy-<port>-...}, and {@link #close()} ends them all.
 */
public final class TcpProxy implements AutoCloseable {
  private static final Duration UPSTREAM_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration JOIN_BOUND = Duration.ofSeconds(5);
  private static final byte[] EOF = new byte[0];

  private record Chunk(byte[] bytes, long dueNanos) {}

  private final String targetHost;
  private final int targetPort;
  private final ServerSocket listener;
  private final String name;
  private final Thread acceptor;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicLong discarded = new AtomicLong();
  // Guards nothing but the waits of half-closed directions for the blackhole to end.
  private final Object modeChanged = new Object();
  private volatile boolean blackhole;
  private volatile long latencyNanos;
  private volatile boolean closed;

  private TcpProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.name = "tcp-proxy-" + listener.getLocalPort();
    this.acceptor = thread(name + "-accept", this::acceptLoop);
  }

  /** A proxy on 127.0.0.1:{@link #port()} to {@code targetHost:targetPort}, forwarding. */
  public static TcpProxy start(String targetHost, int targetPort) {
    try {
      TcpProxy proxy = new TcpProxy(targetHost, targetPort);
      proxy.acceptor.start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("could not listen on 127.0.0.1", e);
    }
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Connections currently open (a connection half-closed under a blackhole still counts). */
  public int connectionCount() {
    return links.size();
  }

  /** Bytes read and thrown away by the blackhole so far. */
  public long discardedBytes() {
    return discarded.get();
  }

  /** The prefix of every thread this proxy starts. */
  public String threadNamePrefix() {
    return name;
  }

  /** Forwards both ways, without delay. */
  public void pass() {
    setMode(false, 0);
  }

  /** Keeps every connection open and accepts new ones, but forwards nothing, not even a close. */
  public void blackhole() {
    setMode(true, 0);
  }

  /** Forwards both ways, each chunk {@code delay} after it was read. */
  public void latency(Duration delay) {
    setMode(false, delay.toNanos());
  }

  /** Aborts every current connection on both sides: each peer sees a RST. */
  public void resetAll() {
    links.forEach(link -> link.close(true));
  }

  /** Stops listening and closes every connection; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    try {
      acceptor.join(JOIN_BOUND.toMillis()); // no new connection after this
      links.forEach(link -> link.close(false));
      for (Thread t : threads) {
        t.join(JOIN_BOUND.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name + " -> " + targetHost + ":" + targetPort;
  }

  private void setMode(boolean blackhole, long latencyNanos) {
    synchronized (modeChanged) {
      this.latencyNanos = latencyNanos;
      this.blackhole = blackhole;
      modeChanged.notifyAll();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(
            new InetSocketAddress(targetHost, targetPort),
            (int) UPSTREAM_CONNECT_TIMEOUT.toMillis());
        new Link(client, upstream).start();
      } catch (IOException e) {
        abort(client); // the target refused: so does the proxy, as well as it can after accept
        abort(upstream);
      }
    }
  }

  private Thread thread(String threadName, Runnable body) {
    Thread t = new Thread(body, threadName);
    t.setDaemon(true);
    threads.removeIf(old -> !old.isAlive());
    threads.add(t);
    return t;
  }

  private static void abort(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // not connected: a plain close will do
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /** One proxied connection: client and upstream sockets, a pipe each way. */
  private final class Link {
    private final Socket client;
    private final Socket upstream;
    private final List<Thread> own = new CopyOnWriteArrayList<>();
    private final AtomicInteger openDirections = new AtomicInteger(2);
    private volatile boolean linkClosed;

    Link(Socket client, Socket upstream) throws IOException {
      this.client = client;
      this.upstream = upstream;
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
    }

    void start() {
      links.add(this);
      String prefix = name + "-" + ids.incrementAndGet();
      pipe(prefix + "-up", client, upstream);
      pipe(prefix + "-down", upstream, client);
      if (closed) {
        close(false);
      }
    }

    private void pipe(String threadName, Socket from, Socket to) {
      BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>(256);
      for (Thread t :
          List.of(
              thread(threadName + "-read", () -> read(from, queue)),
              thread(threadName + "-write", () -> write(queue, to)))) {
        own.add(t);
        t.start();
      }
    }

    private void read(Socket from, BlockingQueue<Chunk> queue) {
      byte[] buffer = new byte[16 * 1024];
      try {
        InputStream in = from.getInputStream();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (blackhole) {
            discarded.addAndGet(n);
          } else {
            queue.put(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + latencyNanos));
          }
        }
      } catch (IOException e) {
        // reset or closed: treated as the end of this direction
      } catch (InterruptedException e) {
        return;
      }
      if (linkClosed) {
        return; // closed or reset on purpose: nothing to pass on (a FIN would beat the RST)
      }
      try {
        // A dead path does not carry the close either: it reaches the peer when the path heals.
        synchronized (modeChanged) {
          while (blackhole && !linkClosed) {
            modeChanged.wait();
          }
        }
        if (!linkClosed) {
          queue.put(new Chunk(EOF, System.nanoTime() + latencyNanos));
        }
      } catch (InterruptedException e) {
        // closed
      }
    }

    private void write(BlockingQueue<Chunk> queue, Socket to) {
      try {
        OutputStream out = to.getOutputStream();
        while (true) {
          Chunk chunk = queue.take();
          long wait = chunk.dueNanos() - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          if (linkClosed) {
            return;
          }
          if (chunk.bytes() == EOF) {
            to.shutdownOutput();
            if (openDirections.decrementAndGet() == 0) {
              close(false);
            }
            return;
          }
          if (blackhole) {
            discarded.addAndGet(chunk.bytes().length);
          } else {
            out.write(chunk.bytes());
          }
        }
      } catch (IOException e) {
        close(false); // the peer is gone: so is the connection
      } catch (InterruptedException e) {
        // closed
      }
    }

    void close(boolean reset) {
      if (linkClosed) {
        return;
      }
      linkClosed = true;
      links.remove(this);
      if (reset) {
        abort(client);
        abort(upstream);
      } else {
        closeQuietly(client);
        closeQuietly(upstream);
      }
      own.forEach(Thread::interrupt);
      synchronized (modeChanged) {
        modeChanged.notifyAll();
      }
    }

    private void closeQuietly(Socket socket) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
