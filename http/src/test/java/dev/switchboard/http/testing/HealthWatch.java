package dev.switchboard.http.testing;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Keeps every readiness answer seen while it is open, from the test's own reads ({@link #observe})
 * and from a poller that reads readiness and liveness every 50 ms in the background, so that the
 * times of the broker going down and coming back are known to within a poll; counts liveness
 * answers other than 200.
 */
public final class HealthWatch implements AutoCloseable {
  private record Observation(long nanos, int status) {}

  private final TestNode node;
  private final String name;
  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "health-watch");
            t.setDaemon(true);
            return t;
          });
  private final Queue<Observation> observations = new ConcurrentLinkedQueue<>();
  private final AtomicLong liveFailures = new AtomicLong();
  private final AtomicLong polls = new AtomicLong();

  private HealthWatch(TestNode node, String name) {
    this.node = node;
    this.name = name;
  }

  /** Starts polling {@code node}; {@code name} prefixes the closing log line. */
  public static HealthWatch start(TestNode node, String name) {
    HealthWatch watch = new HealthWatch(node, name);
    watch.poller.scheduleWithFixedDelay(watch::poll, 0, 50, TimeUnit.MILLISECONDS);
    return watch;
  }

  /** A GET on the management port without credentials, as Kubernetes' probe would send it. */
  public static TestNode.Response probe(TestNode node, String path) {
    return node.send(
        HttpRequest.newBuilder(node.managementUri(path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build());
  }

  /** Records one readiness answer, received at {@code nanos}. */
  public void observe(long nanos, int status) {
    observations.add(new Observation(nanos, status));
  }

  private void poll() {
    try {
      int status = probe(node, "/health/ready").status();
      observe(System.nanoTime(), status);
      if (probe(node, "/health/live").status() != 200) {
        liveFailures.incrementAndGet();
      }
    } catch (RuntimeException e) {
      liveFailures.incrementAndGet();
    } finally {
      polls.incrementAndGet();
    }
  }

  /** When readiness was first seen answering {@code status} at or after {@code fromNanos}. */
  public Optional<Long> firstAfter(long fromNanos, int status) {
    return observations.stream()
        .filter(o -> o.nanos() - fromNanos >= 0 && o.status() == status)
        .map(Observation::nanos)
        .min(Long::compare);
  }

  /** Readiness answers seen so far (background polls and {@link #observe}d), by status. */
  public Map<Integer, Long> readinessByStatus() {
    return observations.stream()
        .collect(Collectors.groupingBy(Observation::status, TreeMap::new, Collectors.counting()));
  }

  /** Liveness polls made so far. */
  public long polls() {
    return polls.get();
  }

  /** Liveness answers other than 200 (or no answer at all) seen so far. */
  public long liveFailures() {
    return liveFailures.get();
  }

  @Override
  public void close() throws InterruptedException {
    poller.shutdownNow();
    poller.awaitTermination(15, TimeUnit.SECONDS);
    System.out.printf(
        "%s: readiness watch: %d background polls, %d readiness answers seen%n",
        name, polls.get(), observations.size());
  }
}
