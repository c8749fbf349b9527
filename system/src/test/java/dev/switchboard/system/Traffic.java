package dev.switchboard.system;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Clients sending single messages to one engine, through its restarts and outages: every {@code
 * 202} is remembered (per client, in the order it was answered), every other answer counted by
 * kind, refused connections (the engine is down) are retried as a client would. Unpaced clients
 * send as fast as the engine answers, each message to a recipient of its own; paced ones send at
 * most one message per pause, all to the client's one recipient, so that order can be checked.
 */
final class Traffic implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EngineJar engine;
  private final String channel;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Set<String> accepted = ConcurrentHashMap.newKeySet();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger unavailable = new AtomicInteger();
  private final AtomicInteger unexpected = new AtomicInteger();
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, List<String>> acceptedByRecipient = new ConcurrentHashMap<>();
  private final Duration pace;
  private final ExecutorService clients;

  Traffic(EngineJar engine, String channel, int concurrency) {
    this(engine, channel, concurrency, Duration.ZERO);
  }

  /**
   * @param pace the least time between two sends of one client; zero: unpaced
   */
  Traffic(EngineJar engine, String channel, int concurrency, Duration pace) {
    this.engine = engine;
    this.channel = channel;
    this.pace = pace;
    this.clients = Executors.newFixedThreadPool(concurrency);
    for (int i = 0; i < concurrency; i++) {
      // Not ending in 0001 or 0002, which the sandbox fails on purpose.
      String recipient = String.format("+44770091%04d", 100 + i);
      clients.execute(() -> sendUntilStopped(recipient));
    }
  }

  /** Paced clients' accepted ids by recipient, each list in the order its client got them. */
  Map<String, List<String>> acceptedByRecipient() {
    Map<String, List<String>> copy = new TreeMap<>();
    acceptedByRecipient.forEach((to, ids) -> copy.put(to, List.copyOf(ids)));
    return copy;
  }

  /** {@code 503} answers. */
  int unavailable() {
    return unavailable.get();
  }

  int acceptedCount() {
    return accepted.size();
  }

  /** The ids of every message the engine answered {@code 202} for. */
  List<String> accepted() {
    return List.copyOf(accepted);
  }

  /** Answers that were neither 202, nor a refused connection, nor a 503 while starting. */
  int unexpected() {
    return unexpected.get();
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    clients.shutdown();
    if (!clients.awaitTermination(30, TimeUnit.SECONDS)) {
      clients.shutdownNow();
    }
  }

  private void sendUntilStopped(String ownRecipient) {
    boolean paced = !pace.isZero();
    while (running.get()) {
      long n = sequence.incrementAndGet();
      String to = paced ? ownRecipient : "+4477009" + String.format("%05d", n % 100_000);
      String body =
          "{\"channel\":\"" + channel + "\",\"to\":\"" + to + "\",\"text\":\"traffic " + n + "\"}";
      try {
        HttpResponse<String> answer = engine.post("/v1/messages", body);
        if (answer.statusCode() == 202) {
          String id = JSON.readTree(answer.body()).path("id").asText();
          accepted.add(id);
          if (paced) {
            acceptedByRecipient.computeIfAbsent(to, k -> new CopyOnWriteArrayList<>()).add(id);
          }
        } else if (answer.statusCode() == 503) {
          unavailable.incrementAndGet();
        } else {
          unexpected.incrementAndGet();
        }
        if (paced) {
          // The client's own rate, not a wait for a condition of the test.
          LockSupport.parkNanos(pace.toNanos());
        }
      } catch (IOException e) {
        // Refused or reset while the engine is down or dying: the client never got a 202.
        refused.incrementAndGet();
        // A client's back-off before it tries again, not a wait for a condition of the test.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
