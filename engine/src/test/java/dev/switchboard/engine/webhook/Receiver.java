package dev.switchboard.engine.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A customer's webhook receiver on loopback: checks each request's signature with its own HMAC (not
 * {@link Signature}'s), records every call, and can fail, refuse, hang or stop listening on demand.
 */
public final class Receiver implements AutoCloseable {

  /** One request as received and how it was answered. */
  public record Call(String eventId, String body, boolean signatureValid, int answered) {}

  private final int port;
  private volatile HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final String secret;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicInteger arrived = new AtomicInteger();
  private volatile boolean down;
  private volatile CountDownLatch hang;

  private Receiver(String secret) throws IOException {
    this.secret = secret;
    this.server = listen(0);
    this.port = server.getAddress().getPort();
  }

  private HttpServer listen(int port) throws IOException {
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    http.createContext("/", this::handle);
    http.setExecutor(threads);
    http.start();
    return http;
  }

  public static Receiver start(String secret) throws IOException {
    return new Receiver(secret);
  }

  public String url() {
    return "http://127.0.0.1:" + port + "/hooks";
  }

  /** Stops listening: connections to its port are refused until {@link #listenAgain()}. */
  public void stopListening() {
    server.stop(0);
  }

  /** Listens again on the same port, keeping what it recorded. */
  public void listenAgain() throws IOException {
    server = listen(port);
  }

  /** The next {@code n} requests are answered 500. */
  public void failNext(int n) {
    failuresLeft.set(n);
  }

  /** While down, every request is answered 503. */
  public void down(boolean down) {
    this.down = down;
  }

  /** Requests wait (up to 30 s) until {@link #release()}. */
  public void hang() {
    hang = new CountDownLatch(1);
  }

  public void release() {
    CountDownLatch latch = hang;
    hang = null;
    if (latch != null) {
      latch.countDown();
    }
  }

  /** Requests that reached the handler, hanging ones included. */
  public int arrived() {
    return arrived.get();
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> delivered() {
    return calls.stream().filter(c -> c.answered() / 100 == 2).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    arrived.incrementAndGet();
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String eventId = exchange.getRequestHeaders().getFirst("Switchboard-Event-Id");
    boolean valid = valid(exchange.getRequestHeaders().getFirst("Switchboard-Signature"), body);
    CountDownLatch latch = hang;
    if (latch != null) {
      try {
        latch.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    int status = down ? 503 : failuresLeft.getAndDecrement() > 0 ? 500 : 204;
    calls.add(new Call(eventId, body, valid, status));
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  private boolean valid(String header, String body) {
    if (header == null || !header.matches("t=[0-9]+,v1=[0-9a-f]{64}")) {
      return false;
    }
    String t = header.substring(2, header.indexOf(','));
    String v1 = header.substring(header.indexOf("v1=") + 3);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String expected =
          HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
      return expected.equals(v1);
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    threads.shutdownNow();
  }
}
