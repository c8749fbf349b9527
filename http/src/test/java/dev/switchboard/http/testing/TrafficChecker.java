package dev.switchboard.http.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.engine.broker.Topology;
import dev.switchboard.engine.message.MessageIds;
import dev.switchboard.engine.testing.RabbitNode.QueueCounts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Sends messages to a {@link TestNode}'s channels (the sandbox one unless told), records every send
 * with what the API answered ({@link Sent}), and judges what became of them ({@link Verdict}):
 * every accepted id terminal within a bound, with the expected status, as often at the provider as
 * it needs, by what the provider itself recorded ({@link ProviderRecord}: the sandbox's ledger
 * unless told). {@link #awaitSettled} adds the rest of RELIABILITY.md's checker: the node's channel
 * queues on every broker it uses back to 0 ready and 0 unacknowledged, and the engine never
 * restarted ({@link #restarts()}). Thread-safe: a background sender and the test may share one.
 * Close it before the node: it watches {@code /health/live} while open.
 */
public final class TrafficChecker implements AutoCloseable {
  private static final Set<String> TERMINAL = Set.of("delivered", "read", "failed");
  private static final String ACCOUNT = "default";
  // The channels TestNode enables: their queues (and those of the channels sent to) hold what is
  // still in flight.
  private static final List<String> NODE_CHANNELS = List.of("sandbox", "sms");
  // Quorum queues publish their counts every 5 s: a reading taken sooner after the last message
  // went terminal may predate it, so the first one is taken this long after.
  private static final Duration QUEUE_STATS_LAG = Duration.ofSeconds(6);
  // The last acks trail the terminal status by milliseconds, the counts by up to a tick.
  private static final Duration IN_FLIGHT_BOUND = Duration.ofSeconds(30);

  /** A broker the node uses, read for its queues: {@code RabbitNode::queueCounts} and the like. */
  @FunctionalInterface
  public interface Broker {
    Map<String, QueueCounts> queueCounts();
  }

  private final TestNode node;
  private final String name;
  private final ProviderRecord provider;
  private final List<Broker> brokers;
  private final ActorSystem<?> system;
  private final long systemStartTime;
  private final HealthWatch liveness;
  private final AtomicInteger sequence = new AtomicInteger();
  private final Queue<Sent> sent = new ConcurrentLinkedQueue<>();

  /**
   * Starts watching {@code node}: its actor system as it is now, and {@code /health/live} from now
   * on. {@code name} prefixes this checker's log lines (the test class, usually); {@code brokers}
   * are every broker (site) whose channel queues the node consumes.
   */
  public TrafficChecker(TestNode node, String name, Broker... brokers) {
    this(node, name, SandboxRecord.INSTANCE, brokers);
  }

  /** As above, with attempts counted by {@code provider}: the node's channels use another. */
  public TrafficChecker(TestNode node, String name, ProviderRecord provider, Broker... brokers) {
    this.node = node;
    this.name = name;
    this.provider = provider;
    this.brokers = List.of(brokers);
    this.system = node.app().system();
    this.systemStartTime = system.startTime();
    this.liveness = HealthWatch.start(node, name + " (checker)");
  }

  /** Every fifth message goes to {@link Sent#RETRYING}, the others to {@link Sent#NORMAL}. */
  public static String recipient(int i) {
    return i % 5 == 0 ? Sent.RETRYING : Sent.NORMAL;
  }

  /**
   * One of many recipients, as real traffic has them (messages to one recipient may be handled one
   * after the other): every fifth one ends in {@code 0002} (three attempts), the others send at
   * once.
   */
  public static String manyRecipients(int i) {
    return String.format(i % 5 == 0 ? "+44770%03d0002" : "+44770%03d0123", i % 1000);
  }

  /** The id a message sent with {@code key} has, whatever the API answered. */
  public static String idFor(String key) {
    return MessageIds.forIdempotencyKey(ACCOUNT, key);
  }

  /**
   * Sends {@code count} messages without a key to {@link #recipient}s; each must be accepted with
   * {@code 202}.
   */
  public List<Sent> sendAll(int count, String label) {
    return sendAll(count, label, TrafficChecker::recipient);
  }

  /** Sends {@code count} messages without a key; each must be accepted with {@code 202}. */
  public List<Sent> sendAll(int count, String label, IntFunction<String> recipients) {
    List<Sent> accepted = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Sent s = send(recipients.apply(i), label);
      assertThat(s.status()).as("%s #%d: %s", label, i, s.body()).isEqualTo(202);
      accepted.add(s);
    }
    return accepted;
  }

  /** One send without an {@code Idempotency-Key}. */
  public Sent send(String to, String label) {
    return send(to, label, null);
  }

  /** One send with a fresh {@code Idempotency-Key}, so that a refusal can be retried safely. */
  public Sent sendWithKey(String to, String label) {
    return send(to, label, label + "-" + UUID.randomUUID());
  }

  /** One send to the sandbox channel, with an {@code Idempotency-Key} unless it is null. */
  public Sent send(String to, String label, String key) {
    return send("sandbox", to, label, key);
  }

  /** One send to {@code channel}, with an {@code Idempotency-Key} unless it is null. */
  public Sent send(String channel, String to, String label, String key) {
    // Unique: a provider that never sees our ids tells the messages apart by it (SmscRecord).
    String text = label + "-" + sequence.incrementAndGet();
    String json =
        "{\"channel\":\"" + channel + "\",\"to\":\"" + to + "\",\"text\":\"" + text + "\"}";
    long started = System.nanoTime();
    TestNode.Response r =
        key == null
            ? node.post("/v1/messages", json)
            : node.post("/v1/messages", json, "Idempotency-Key", key);
    String id = r.status() == 202 || r.status() == 200 ? r.json().path("id").asText() : null;
    Sent s = new Sent(id, key, channel, to, text, r.status(), started, System.nanoTime(), r);
    sent.add(s);
    return s;
  }

  /** Every send so far, in the order they were answered. */
  public List<Sent> sent() {
    return List.copyOf(sent);
  }

  /**
   * Retries refused sends with their {@code Idempotency-Key}, as a client would; each retry must be
   * accepted ({@code 202}, or {@code 200} when the first attempt had made it after all) with the id
   * the key names. Logs which of them had reached the broker despite their {@code 503} (a lost
   * confirm: ADR 3's unknown outcome).
   */
  public List<Sent> retry(Collection<Sent> refused, String scenario) {
    List<String> enqueuedDespite503 = new ArrayList<>();
    List<Sent> retried = new ArrayList<>();
    for (Sent first : refused) {
      assertThat(first.key()).as("only a send with a key can be retried: %s", first).isNotNull();
      String id = idFor(first.key());
      String before = node.statusOf(id);
      if (before != null && !"accepted".equals(before)) {
        enqueuedDespite503.add(
            id
                + " ("
                + before
                + ", provider attempts "
                + provider.attempts(first.withId(id))
                + ")");
      }
      Sent again = send(first.channel(), first.to(), "retry-" + scenario, first.key());
      assertThat(again.status()).as("retry of %s: %s", id, again.body()).isIn(200, 202);
      assertThat(again.id()).isEqualTo(id);
      retried.add(again);
    }
    log(
        "%s: %d sends refused with 503 during the outage; %d of them had been enqueued anyway"
            + " (503 answered, yet the message is on its way): %s",
        scenario, refused.size(), enqueuedDespite503.size(), enqueuedDespite503);
    return retried;
  }

  /**
   * Waits, at most {@code bound}, until every accepted send in {@code sends} is terminal, then
   * judges them all. Never throws on the timeout: the verdict counts what is not terminal as lost.
   * Does not read the broker (the verdict's in-flight count is -1, not measured): for a part of the
   * traffic while the rest may still be moving.
   */
  public Verdict awaitTerminal(Collection<Sent> sends, String scenario, Duration bound) {
    return judge(sends, scenario, bound, false);
  }

  /**
   * Waits, at most {@code bound}, until every accepted send in {@code sends} has left our hands
   * (sent to the provider, or terminal), and fails naming those that have not. For a broker that
   * blocks publishers: receipts, published like every fact a provider reports, wait until it takes
   * them again, so messages can reach the provider but not their end.
   */
  public void awaitLeftOurHands(Collection<Sent> sends, String scenario, Duration bound) {
    List<String> ids = sends.stream().filter(Sent::accepted).map(Sent::id).toList();
    Map<String, String> left = new ConcurrentHashMap<>();
    try {
      await("every accepted message sent (" + scenario + ")")
          .atMost(bound)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                for (String id : ids) {
                  String status = left.containsKey(id) ? left.get(id) : node.statusOf(id);
                  if (status != null && (status.equals("sent") || TERMINAL.contains(status))) {
                    left.put(id, status);
                  }
                }
                return left.size() == ids.size();
              });
    } catch (ConditionTimeoutException e) {
      List<String> stuck =
          ids.stream()
              .filter(id -> !left.containsKey(id))
              .map(id -> id + "=" + node.statusOf(id))
              .toList();
      throw new AssertionError(
          scenario
              + ": "
              + stuck.size()
              + " of "
              + ids.size()
              + " not sent within "
              + bound
              + ": "
              + stuck,
          e);
    }
  }

  /**
   * The whole checker, once the load has stopped: {@link #awaitTerminal}, then waits (bounded)
   * until the channel queues on every broker have nothing ready and nothing unacknowledged.
   */
  public Verdict awaitSettled(Collection<Sent> sends, String scenario, Duration bound) {
    return judge(sends, scenario, bound, true);
  }

  private Verdict judge(Collection<Sent> sends, String scenario, Duration bound, boolean settle) {
    Map<String, Sent> byId = new LinkedHashMap<>();
    sends.stream().filter(Sent::accepted).forEach(s -> byId.put(s.id(), s));
    long acceptedCount = sends.stream().filter(Sent::accepted).count();
    assertThat(byId).as("distinct accepted ids").hasSize((int) acceptedCount);
    Map<String, String> terminal = new ConcurrentHashMap<>();
    long started = System.nanoTime();
    try {
      await("every accepted message terminal (" + scenario + ")")
          .atMost(bound)
          .pollInterval(Duration.ofMillis(250))
          .until(() -> pollTerminal(byId, terminal));
    } catch (ConditionTimeoutException e) {
      // judged below: what is not terminal is lost
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    Tally tally = Tally.of(sends, terminal, provider, node::statusOf);
    List<String> queues = new ArrayList<>();
    long inFlight =
        settle ? inFlight(scenario, tally.lost().isEmpty(), queues, channelQueues(byId)) : -1;
    Verdict verdict =
        new Verdict(
            scenario,
            sends.size(),
            byId.size(),
            (int) sends.stream().filter(Sent::refused).count(),
            bound,
            millis,
            terminal.values().stream()
                .collect(Collectors.groupingBy(status -> status, Collectors.counting())),
            tally.lost(),
            tally.unexpected(),
            tally.duplicates(),
            tally.extraSends(),
            tally.mostExtraSends(),
            inFlight,
            queues,
            restarts(),
            metrics(byId.values()));
    log("%s", verdict);
    return verdict;
  }

  /**
   * Ready plus unacked over the channel queues of every broker: once it is 0, waiting for that at
   * most {@link #IN_FLIGHT_BOUND} (not at all when messages were lost), or as last read; -1 when
   * the queues could not be read. {@code queues} gets the last reading, or why there is none.
   */
  private long inFlight(
      String scenario, boolean wait, List<String> queues, List<String> channelQueues) {
    AtomicReference<List<QueueCounts>> last = new AtomicReference<>();
    AtomicReference<String> error = new AtomicReference<>("no broker given to the checker");
    if (wait) {
      try {
        await("nothing in flight on the broker (" + scenario + ")")
            .pollDelay(QUEUE_STATS_LAG)
            .pollInterval(Duration.ofMillis(500))
            .atMost(IN_FLIGHT_BOUND)
            .until(() -> readQueues(last, error, channelQueues) == 0);
      } catch (ConditionTimeoutException e) {
        // judged by the verdict: what is still there is in flight
      }
    } else {
      readQueues(last, error, channelQueues);
    }
    if (last.get() == null) {
      queues.add(error.get());
      return -1;
    }
    last.get().forEach(q -> queues.add(q.toString()));
    return last.get().stream().mapToLong(QueueCounts::inFlight).sum();
  }

  /** Reads every channel queue of every broker into {@code last}; their in-flight sum, or -1. */
  private long readQueues(
      AtomicReference<List<QueueCounts>> last,
      AtomicReference<String> error,
      List<String> channelQueues) {
    if (brokers.isEmpty()) {
      return -1;
    }
    try {
      List<QueueCounts> counts = new ArrayList<>();
      for (Broker broker : brokers) {
        Map<String, QueueCounts> all = broker.queueCounts();
        for (String queue : channelQueues) {
          QueueCounts q = all.get(queue);
          if (q == null) {
            throw new IllegalStateException("no queue " + queue + " among " + all.values());
          }
          counts.add(q);
        }
      }
      last.set(counts);
      return counts.stream().mapToLong(QueueCounts::inFlight).sum();
    } catch (RuntimeException e) {
      error.set("queues not read: " + e.getMessage());
      return -1;
    }
  }

  /**
   * Why the engine may have restarted since this checker was made: empty when the node still runs
   * the same actor system, started at the same time and not terminated, and {@code /health/live}
   * answered 200 every time the checker asked.
   */
  public List<String> restarts() {
    List<String> found = new ArrayList<>();
    ActorSystem<?> now = node.app().system();
    if (now != system) {
      found.add("the node runs another actor system");
    }
    if (now.startTime() != systemStartTime) {
      found.add("actor system start time " + systemStartTime + " -> " + now.startTime());
    }
    if (system.getWhenTerminated().toCompletableFuture().isDone()) {
      found.add("the actor system terminated");
    }
    if (liveness.liveFailures() > 0 || liveness.polls() == 0) {
      found.add(
          "/health/live other than 200 in "
              + liveness.liveFailures()
              + " of "
              + liveness.polls()
              + " polls");
    }
    return found;
  }

  /** Stops watching {@code /health/live}; call it before closing the node. */
  @Override
  public void close() {
    try {
      liveness.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // A channel without receipts (X direct messages) ends where its provider record expects: sent.
  private boolean pollTerminal(Map<String, Sent> byId, Map<String, String> terminal) {
    for (Map.Entry<String, Sent> entry : byId.entrySet()) {
      String id = entry.getKey();
      if (!terminal.containsKey(id)) {
        String status = node.statusOf(id);
        if (status != null
            && (TERMINAL.contains(status)
                || status.equals(provider.expectedStatus(entry.getValue())))) {
          terminal.put(id, status);
        }
      }
    }
    return terminal.size() == byId.size();
  }

  private static List<String> channelQueues(Map<String, Sent> byId) {
    Set<String> channels = new java.util.LinkedHashSet<>(NODE_CHANNELS);
    byId.values().forEach(s -> channels.add(s.channel()));
    return channels.stream().map(channel -> new Topology(channel, 1).queue()).toList();
  }

  private String metrics(Collection<Sent> accepted) {
    long retrying = accepted.stream().filter(s -> provider.expectedAttempts(s) > 1).count();
    Set<String> channels = accepted.stream().map(Sent::channel).collect(Collectors.toSet());
    return String.format(
        "%d retrying recipients; on %s duplicate jobs recognised=%.0f, possible duplicate"
            + " sends=%.0f, handed back=%.0f",
        retrying,
        channels,
        metric("switchboard_delivery_duplicate_jobs_total", channels),
        metric("switchboard_delivery_possible_duplicate_sends_total", channels),
        metric("switchboard_broker_handed_back_total", channels));
  }

  private double metric(String metric, Set<String> channels) {
    return channels.stream()
        .mapToDouble(channel -> node.metric(metric, "channel=\"" + channel + "\""))
        .sum();
  }

  private void log(String format, Object... args) {
    System.out.println(name + ": " + String.format(format, args));
  }
}
