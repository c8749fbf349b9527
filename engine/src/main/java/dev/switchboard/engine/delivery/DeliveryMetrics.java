package dev.switchboard.engine.delivery;

import dev.switchboard.engine.message.MessageStatus;
import io.micrometer.core.instrument.MeterRegistry;

/** Per-channel counters of message outcomes. */
public final class DeliveryMetrics {
  private final MeterRegistry registry;

  public DeliveryMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void reached(String channel, MessageStatus status) {
    registry
        .counter("switchboard.messages", "channel", channel, "status", status.wireName())
        .increment();
  }

  /** A job for a message that had already been handled: acked without a second send. */
  void duplicateJob(String channel) {
    registry.counter("switchboard.delivery.duplicate.jobs", "channel", channel).increment();
  }

  /** A send repeated after a crash left its outcome unknown: the provider may see it twice. */
  void possibleDuplicateSend(String channel) {
    registry
        .counter("switchboard.delivery.possible.duplicate.sends", "channel", channel)
        .increment();
  }
}
