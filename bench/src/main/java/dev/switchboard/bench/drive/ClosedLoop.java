package dev.switchboard.bench.drive;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Maximum-throughput load: {@code inFlight} requests outstanding at all times, each answer
 * immediately followed by the next request, until stopped. No threads block: every slot is a chain
 * of asynchronous sends (Java 17 has no virtual threads).
 */
public final class ClosedLoop {
  private final HttpClient client;
  private final LongFunction<HttpRequest> requests;
  private final SendCounter counter;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final CountDownLatch slotsDone;
  private final AtomicLong sequence = new AtomicLong();

  private ClosedLoop(
      HttpClient client, LongFunction<HttpRequest> requests, SendCounter counter, int inFlight) {
    this.client = client;
    this.requests = requests;
    this.counter = counter;
    this.slotsDone = new CountDownLatch(inFlight);
  }

  /** Starts {@code inFlight} chains of requests, the n-th request being {@code requests(n)}. */
  public static ClosedLoop start(
      HttpClient client, LongFunction<HttpRequest> requests, SendCounter counter, int inFlight) {
    ClosedLoop loop = new ClosedLoop(client, requests, counter, inFlight);
    for (int i = 0; i < inFlight; i++) {
      loop.next();
    }
    return loop;
  }

  private void next() {
    if (!running.get()) {
      slotsDone.countDown();
      return;
    }
    client
        .sendAsync(requests.apply(sequence.getAndIncrement()), HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (response, error) -> {
              counter.count(response, error);
              next();
            });
  }

  /** Stops issuing and waits (bounded) for the requests in flight to be answered. */
  public void stop() throws InterruptedException {
    running.set(false);
    slotsDone.await(60, TimeUnit.SECONDS);
  }
}
