package dev.switchboard.http.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Keeps every readiness answer seen while it is open, from the test's own reads ({@link #observe})
 * and from a poller that reads readiness and liveness every 50 ms in the background: its status and
 * the state of each {@code broker.<channel>} component, so that the times of the broker going down
 * and coming back are known to within a poll (readiness itself no longer changes with the broker:
 * the node accepts into its outbox); counts liveness answers other than 200.
 */
public final class HealthWatch implements AutoCloseable {
  /**
   * One broker component as one readiness answer showed it.
   *
   * @param state the component's {@code state}: UP, BLOCKED, CONNECTING or DOWN
   * @param lastError the component's {@code lastError}, or null
   */
  public record BrokerSeen(String state, String lastError) {
    public boolean up() {
      return "UP".equals(state);
    }
  }

  /** One readiness answer: when, its status (-1: no answer), its broker components by name. */
  public record Observation(long nanos, int status, Map<String, BrokerSeen> brokers) {
    /** Every broker component's state and error, for a log line. */
    public String brokersText() {
      return brokers.toString();
    }
  }

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
  private final Queue<String> failures = new ConcurrentLinkedQueue<>();
  private volatile boolean closing;

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

  /** The {@code broker.*} components of a readiness answer, by name. */
  public static Map<String, BrokerSeen> brokers(TestNode.Response ready) {
    Map<String, BrokerSeen> brokers = new LinkedHashMap<>();
    ready
        .json()
        .path("components")
        .fields()
        .forEachRemaining(
            c -> {
              if (c.getKey().startsWith("broker.")) {
                JsonNode error = c.getValue().path("lastError");
                brokers.put(
                    c.getKey(),
                    new BrokerSeen(
                        c.getValue().path("state").asText(),
                        error.isNull() || error.isMissingNode() ? null : error.asText()));
              }
            });
    return brokers;
  }

  /** Records one readiness answer, received at {@code nanos}. */
  public void observe(long nanos, TestNode.Response ready) {
    observations.add(new Observation(nanos, ready.status(), brokers(ready)));
  }

  private void poll() {
    TestNode.Response ready = null;
    try {
      ready = probe(node, "/health/ready");
      observe(System.nanoTime(), ready);
    } catch (RuntimeException e) {
      if (closing) {
        return; // the poll interrupted by close(): not an answer of the node's
      }
      // No answer (-1), or an answer whose body is not the health report: kept with why.
      observations.add(
          new Observation(System.nanoTime(), ready == null ? -1 : ready.status(), Map.of()));
      String body = ready == null ? "" : " " + ready.body();
      failures.add(e + body.substring(0, Math.min(body.length(), 300)));
    }
    try {
      if (probe(node, "/health/live").status() != 200) {
        liveFailures.incrementAndGet();
      }
    } catch (RuntimeException e) {
      if (!closing) {
        liveFailures.incrementAndGet();
      }
    } finally {
      polls.incrementAndGet();
    }
  }

  /** When readiness was first seen answering {@code status} at or after {@code fromNanos}. */
  public Optional<Long> firstAfter(long fromNanos, int status) {
    return first(fromNanos, o -> o.status() == status).map(Observation::nanos);
  }

  /**
   * The first answer at or after {@code fromNanos} that showed {@code component} (such as {@code
   * broker.sandbox}) in a state {@code state} accepts.
   */
  public Optional<Observation> firstBrokerAfter(
      long fromNanos, String component, Predicate<BrokerSeen> state) {
    return first(
        fromNanos,
        o -> o.brokers().containsKey(component) && state.test(o.brokers().get(component)));
  }

  /** The first answer at or after {@code fromNanos} with some broker component not UP. */
  public Optional<Observation> firstBrokerDownAfter(long fromNanos) {
    return first(fromNanos, o -> o.brokers().values().stream().anyMatch(b -> !b.up()));
  }

  /** The first answer at or after {@code fromNanos} with every broker component UP. */
  public Optional<Observation> firstBrokersUpAfter(long fromNanos) {
    return first(
        fromNanos,
        o -> !o.brokers().isEmpty() && o.brokers().values().stream().allMatch(BrokerSeen::up));
  }

  private Optional<Observation> first(long fromNanos, Predicate<Observation> matching) {
    return observations.stream()
        .filter(o -> o.nanos() - fromNanos >= 0 && matching.test(o))
        .min(Comparator.comparingLong(Observation::nanos));
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
    closing = true;
    poller.shutdownNow();
    poller.awaitTermination(15, TimeUnit.SECONDS);
    System.out.printf(
        "%s: readiness watch: %d background polls, %d readiness answers seen, by status %s%s%n",
        name,
        polls.get(),
        observations.size(),
        readinessByStatus(),
        failures.isEmpty() ? "" : "; readiness reads that failed: " + failures);
  }
}
