package dev.switchboard.engine.outbox;

import dev.switchboard.engine.health.ComponentReport;
import dev.switchboard.engine.health.HealthComponent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One channel's outbox as the API and health see it: whether the API publishes itself ({@code
 * direct}) or leaves it to the relay, how many accepted messages wait and since when. Written by
 * the relay, read from any thread.
 */
public final class OutboxState implements HealthComponent {
  private final String channel;
  private final Clock clock;
  private final long maxDepth;
  private volatile boolean direct = true;
  private volatile Instant since;
  private volatile long depth;
  private volatile Instant oldest;
  private volatile String lastError;
  private volatile Instant lastErrorAt;
  // Pending from the relay's hand-back until it has published what it still owes (messages
  // journaled before the switch): the API's own publishes wait for it, so none overtakes them.
  private volatile CompletableFuture<Void> handedBack = CompletableFuture.completedFuture(null);

  public OutboxState(String channel, long maxDepth, Clock clock) {
    this.channel = channel;
    this.maxDepth = maxDepth;
    this.clock = clock;
  }

  /** Whether the API publishes this channel's messages itself. */
  public boolean direct() {
    return direct;
  }

  /**
   * Completes once the relay has published every message journaled before it handed the channel
   * back to the API (at once when it owes none); also when the relay takes the channel over again.
   */
  public CompletableFuture<Void> handedBack() {
    return handedBack;
  }

  /** Whether the outbox holds as many messages as it may: the API refuses new ones. */
  public boolean full() {
    return maxDepth > 0 && !direct && depth >= maxDepth;
  }

  public long depth() {
    return direct ? 0 : depth;
  }

  /** Seconds the oldest waiting message has waited; 0 when none waits. */
  public double oldestAgeSeconds() {
    Instant o = oldest;
    return direct || o == null ? 0 : Duration.between(o, clock.instant()).toMillis() / 1000.0;
  }

  /** Since when the relay has had this channel; null while the API publishes itself. */
  Instant since() {
    return since;
  }

  void backlogged(Instant since) {
    if (direct) {
      this.since = since;
      this.direct = false;
      // Publishes waiting for a hand-back see the relay has the channel again.
      handedBack.complete(null);
    }
  }

  void caughtUp() {
    handedBack = new CompletableFuture<>();
    direct = true;
    since = null;
    depth = 0;
    oldest = null;
  }

  /** The relay published everything it owed after handing the channel back. */
  void cleared() {
    handedBack.complete(null);
  }

  void waiting(long depth, Instant oldest) {
    this.depth = depth;
    this.oldest = oldest;
  }

  void failed(String error) {
    lastError = error;
    lastErrorAt = clock.instant();
  }

  @Override
  public String name() {
    return "outbox." + channel;
  }

  // A backlog degrades the node, which still accepts: the journal holds the messages.
  @Override
  public boolean requiredForReadiness() {
    return false;
  }

  @Override
  public ComponentReport report() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("mode", direct ? "direct" : "relay");
    details.put("since", since == null ? null : since.toString());
    details.put("depth", depth());
    details.put("oldestAgeSeconds", oldestAgeSeconds());
    details.put("maxDepth", maxDepth);
    details.put("lastError", lastError);
    details.put("lastErrorAt", lastErrorAt == null ? null : lastErrorAt.toString());
    return new ComponentReport(direct, details);
  }
}
