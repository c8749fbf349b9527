package dev.switchboard.bench.drive;

import dev.switchboard.bench.measure.LatencyRecorder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Load at a fixed rate, whatever the answers take (open loop): request {@code i} is due at {@code
 * start + i / rate}, and its latency is measured from that due time, not from when it was actually
 * sent, so a server that stalls is charged for the requests that queued behind the stall
 * (coordinated omission). Requests beyond {@code maxOutstanding} are not sent and are counted.
 */
public final class OpenLoop {

  /** What a run observed. */
  public record Result(long sent, long skipped, double seconds) {}

  private OpenLoop() {}

  public static Result run(
      HttpClient client,
      LongFunction<HttpRequest> requests,
      double ratePerSecond,
      Duration duration,
      int maxOutstanding,
      SendCounter counter,
      LatencyRecorder latencies,
      Consumer<HttpResponse<String>> onAnswer)
      throws InterruptedException {
    Semaphore outstanding = new Semaphore(maxOutstanding);
    AtomicLong skipped = new AtomicLong();
    long intervalNanos = (long) (1e9 / ratePerSecond);
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    long sent = 0;
    for (long i = 0; ; i++) {
      long due = start + i * intervalNanos;
      if (due >= end) {
        break;
      }
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      if (!outstanding.tryAcquire()) {
        skipped.incrementAndGet();
        continue;
      }
      sent++;
      client
          .sendAsync(requests.apply(i), HttpResponse.BodyHandlers.ofString())
          .whenComplete(
              (response, error) -> {
                latencies.record(System.nanoTime() - due);
                counter.count(response, error);
                if (response != null) {
                  onAnswer.accept(response);
                }
                outstanding.release();
              });
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // Let the last answers arrive before the caller reads the figures.
    outstanding.tryAcquire(maxOutstanding, 60, TimeUnit.SECONDS);
    return new Result(sent, skipped.get(), seconds);
  }
}
