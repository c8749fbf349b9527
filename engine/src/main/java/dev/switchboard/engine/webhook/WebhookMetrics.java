package dev.switchboard.engine.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * {@code switchboard_webhook_*}: attempts by type and result (delivered, retried, dead), the time
 * from an event to its delivery, events dropped before queuing, store errors, and the pending and
 * dead counts as last sampled.
 */
public final class WebhookMetrics {
  private final MeterRegistry meters;

  public WebhookMetrics(MeterRegistry meters, WebhookHealth health) {
    this.meters = meters;
    Gauge.builder("switchboard.webhook.pending", health, WebhookHealth::pending)
        .description("Webhook events waiting for delivery (sampled)")
        .strongReference(true)
        .register(meters);
    Gauge.builder("switchboard.webhook.dead", health, WebhookHealth::dead)
        .description("Dead-lettered webhook events (sampled)")
        .strongReference(true)
        .register(meters);
  }

  /** One attempt's end: {@code result} is delivered, retried or dead. */
  public void attempt(String type, String result) {
    Counter.builder("switchboard.webhook.deliveries")
        .description("Webhook delivery attempts by event type and result")
        .tag("type", type)
        .tag("result", result)
        .register(meters)
        .increment();
  }

  /** From the event's creation to its delivery. */
  public void delivered(String type, Duration latency) {
    Timer.builder("switchboard.webhook.delivery.latency")
        .description("Time from a webhook event to its delivery")
        .tag("type", type)
        .publishPercentileHistogram()
        .register(meters)
        .record(latency.isNegative() ? Duration.ZERO : latency);
  }

  /** An event not queued, e.g. an inbound message for an account without an inbound URL. */
  public void dropped(String type, String reason) {
    Counter.builder("switchboard.webhook.dropped")
        .description("Webhook events not queued, by reason")
        .tag("type", type)
        .tag("reason", reason)
        .register(meters)
        .increment();
  }

  /** A failed read or write of the outbox table. */
  public void storeError(String operation) {
    Counter.builder("switchboard.webhook.store.errors")
        .description("Failed operations on the webhook outbox table")
        .tag("operation", operation)
        .register(meters)
        .increment();
  }
}
