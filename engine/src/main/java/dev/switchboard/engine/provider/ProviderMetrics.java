package dev.switchboard.engine.provider;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * One provider instance's sends (by result class), their latency, its window use, throttling,
 * receipts and inbound messages, its session state, and its circuit breaker's state and switches.
 */
public final class ProviderMetrics {
  private final MeterRegistry meters;
  private final String provider;
  private final String channel;
  private final Timer latency;
  private final Counter throttled;

  public ProviderMetrics(MeterRegistry meters, ProviderHealth health, ProviderLimits limits) {
    this.meters = meters;
    this.provider = health.provider();
    this.channel = health.channel();
    this.latency =
        Timer.builder("switchboard.provider.send.latency")
            .tags("provider", provider, "channel", channel)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(meters);
    this.throttled = counter("switchboard.provider.throttled");
    gauge("switchboard.provider.up", health, h -> h.state() == ProviderHealth.State.UP ? 1 : 0);
    gauge("switchboard.provider.reconnects", health, ProviderHealth::reconnects);
    gauge("switchboard.provider.in.flight", health, ProviderHealth::inFlight);
    gauge("switchboard.provider.queued", health, ProviderHealth::queued);
    gauge("switchboard.provider.window", limits, ProviderLimits::window);
    gauge("switchboard.provider.throttling", health, h -> h.isThrottled() ? 1 : 0);
    CircuitBreaker breaker = health.breaker();
    // 0 closed, 1 half-open, 2 open.
    gauge("switchboard.provider.breaker.state", breaker, b -> b.state().ordinal());
    for (CircuitBreaker.State to : CircuitBreaker.State.values()) {
      FunctionCounter.builder(
              "switchboard.provider.breaker.transitions", breaker, b -> b.transitions(to))
          .tags("provider", provider, "channel", channel, "to", to.wireName())
          .register(meters);
    }
  }

  /** A send answered by the peer (or not), by its result class. */
  void sent(String result, long startedNanos) {
    meters
        .counter(
            "switchboard.provider.sends",
            "provider",
            provider,
            "channel",
            channel,
            "result",
            result)
        .increment();
    latency.record(Duration.ofNanos(System.nanoTime() - startedNanos));
  }

  void throttled() {
    throttled.increment();
  }

  /** A receipt or inbound message the session reported, and whether it was made durable. */
  void reported(String kind, boolean durable) {
    meters
        .counter(
            "switchboard.provider.reported",
            "provider",
            provider,
            "channel",
            channel,
            "kind",
            kind,
            "result",
            durable ? "recorded" : "refused")
        .increment();
  }

  private Counter counter(String name) {
    return meters.counter(name, "provider", provider, "channel", channel);
  }

  private <T> void gauge(String name, T source, java.util.function.ToDoubleFunction<T> value) {
    Gauge.builder(name, source, value)
        .tags("provider", provider, "channel", channel)
        .register(meters);
  }
}
