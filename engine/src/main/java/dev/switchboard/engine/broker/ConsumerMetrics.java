package dev.switchboard.engine.broker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counters of what consumers did with broker messages, per channel. */
public final class ConsumerMetrics {
  private final MeterRegistry registry;

  public ConsumerMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void consumed(String channel) {
    counter("switchboard.broker.consumed", channel).increment();
  }

  void handedBack(String channel) {
    counter("switchboard.broker.handed.back", channel).increment();
  }

  void deadLettered(String channel) {
    counter("switchboard.broker.dead.lettered", channel).increment();
  }

  private Counter counter(String name, String channel) {
    return registry.counter(name, "channel", channel);
  }
}
