package dev.switchboard.engine.broker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** One channel's publishing: confirm latency, nacks, confirms that never came. */
public final class PublisherMetrics {
  private final Timer confirmLatency;
  private final Counter nacks;
  private final Counter confirmTimeouts;

  public PublisherMetrics(MeterRegistry meters, String channel) {
    confirmLatency =
        Timer.builder("switchboard.broker.confirm.latency")
            .description("publish to broker confirm")
            .tags("channel", channel)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(meters);
    nacks = meters.counter("switchboard.broker.nacks", "channel", channel);
    confirmTimeouts = meters.counter("switchboard.broker.confirm.timeouts", "channel", channel);
  }

  void confirmed(long publishedNanos) {
    confirmLatency.record(Duration.ofNanos(System.nanoTime() - publishedNanos));
  }

  void nacked() {
    nacks.increment();
  }

  void timedOut() {
    confirmTimeouts.increment();
  }
}
