package dev.switchboard.system;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Clients sending single messages to one engine as fast as it answers, through its restarts: every
 * {@code 202} is remembered, every other answer counted by kind, refused connections (the engine is
 * down) are retried as a client would.
 */
final class Traffic implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EngineJar engine;
  private final String channel;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Set<String> accepted = ConcurrentHashMap.newKeySet();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger unexpected = new AtomicInteger();
  private final AtomicLong sequence = new AtomicLong();
  private final ExecutorService clients;

  Traffic(EngineJar engine, String channel, int concurrency) {
    this.engine = engine;
    this.channel = channel;
    this.clients = Executors.newFixedThreadPool(concurrency);
    for (int i = 0; i < concurrency; i++) {
      clients.execute(this::sendUntilStopped);
    }
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

  private void sendUntilStopped() {
    while (running.get()) {
      long n = sequence.incrementAndGet();
      String body =
          "{\"channel\":\""
              + channel
              + "\",\"to\":\"+4477009"
              + String.format("%05d", n % 100_000)
              + "\",\"text\":\"crash test "
              + n
              + "\"}";
      try {
        HttpResponse<String> answer = engine.post("/v1/messages", body);
        if (answer.statusCode() == 202) {
          accepted.add(JSON.readTree(answer.body()).path("id").asText());
        } else if (answer.statusCode() != 503) {
          unexpected.incrementAndGet();
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
