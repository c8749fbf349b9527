package dev.switchboard.engine.broker;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The depth of {@code switchboard.dead} per site, as {@code switchboard.dead.letters}: one queue
 * every channel shares, sampled by each channel's consumer there, so one gauge per site whoever
 * sampled it last. Healthy jobs dead-lettered there need no one to consume them: the reconciler
 * publishes their messages' jobs again; what stays there is poison, for an operator to look at.
 */
public final class DeadLetters {
  private final MeterRegistry meters;
  private final Map<String, AtomicLong> depth = new ConcurrentHashMap<>();

  public DeadLetters(MeterRegistry meters) {
    this.meters = meters;
  }

  void sampled(String site, long messages) {
    depth
        .computeIfAbsent(
            site,
            s -> {
              AtomicLong value = new AtomicLong();
              Gauge.builder("switchboard.dead.letters", value, AtomicLong::get)
                  .tags("site", s)
                  .register(meters);
              return value;
            })
        .set(messages);
  }
}
