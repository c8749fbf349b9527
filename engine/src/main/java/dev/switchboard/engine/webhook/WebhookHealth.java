package dev.switchboard.engine.webhook;

import dev.switchboard.engine.Redaction;
import dev.switchboard.engine.health.ComponentReport;
import dev.switchboard.engine.health.HealthComponent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code webhooks} component: the outbox as last sampled (pending, dead, oldest pending) and
 * the last delivery error. Down only when the table cannot be read: a customer's dead receiver must
 * never make the node unready.
 */
public final class WebhookHealth implements HealthComponent {
  private final Clock clock;
  private volatile Outbox.Stats stats = new Outbox.Stats(0, 0, null);
  private volatile String sampleError;
  private volatile Instant sampledAt;
  private volatile String lastError;
  private volatile Instant lastErrorAt;

  public WebhookHealth(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "webhooks";
  }

  /** A sample of the table, or why it could not be taken. */
  void sampled(Outbox.Stats stats, String error) {
    if (error == null) {
      this.stats = stats;
    }
    this.sampleError = error;
    this.sampledAt = clock.instant();
  }

  /** A delivery attempt failed; {@code error} in our words. */
  void attemptFailed(String target, String error) {
    this.lastError = Redaction.uri(target) + ": " + Redaction.text(error);
    this.lastErrorAt = clock.instant();
  }

  double pending() {
    return stats.pending();
  }

  double dead() {
    return stats.dead();
  }

  @Override
  public ComponentReport report() {
    Outbox.Stats s = stats;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("pending", s.pending());
    details.put("dead", s.dead());
    details.put(
        "oldestPendingSeconds",
        s.oldestPending() == null
            ? null
            : Math.max(0, Duration.between(s.oldestPending(), clock.instant()).toSeconds()));
    details.put("lastError", lastError);
    details.put("lastErrorAt", lastErrorAt == null ? null : lastErrorAt.toString());
    details.put("tableError", sampleError);
    details.put("sampledAt", sampledAt == null ? null : sampledAt.toString());
    return new ComponentReport(sampleError == null, details);
  }
}
