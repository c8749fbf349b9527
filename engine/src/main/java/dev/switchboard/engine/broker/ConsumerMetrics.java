package dev.switchboard.engine.broker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one channel's consumer on one site did with broker messages, and the queue as last sampled
 * there (depth and consumer count).
 */
public final class ConsumerMetrics {
  private final Counter consumed;
  private final Counter handedBack;
  private final Counter deadLettered;
  private final AtomicLong depth = new AtomicLong();
  private final AtomicLong consumers = new AtomicLong();
  private final DeadLetters dead;
  private final String site;

  public ConsumerMetrics(MeterRegistry meters, String channel, String site) {
    this(meters, channel, site, new DeadLetters(meters));
  }

  public ConsumerMetrics(MeterRegistry meters, String channel, String site, DeadLetters dead) {
    this.dead = dead;
    this.site = site;
    consumed = meters.counter("switchboard.broker.consumed", "channel", channel, "site", site);
    handedBack = meters.counter("switchboard.broker.handed.back", "channel", channel, "site", site);
    deadLettered =
        meters.counter("switchboard.broker.dead.lettered", "channel", channel, "site", site);
    Gauge.builder("switchboard.broker.queue.depth", depth, AtomicLong::get)
        .tags("channel", channel, "site", site)
        .register(meters);
    Gauge.builder("switchboard.broker.queue.consumers", consumers, AtomicLong::get)
        .tags("channel", channel, "site", site)
        .register(meters);
  }

  void consumed() {
    consumed.increment();
  }

  void handedBack() {
    handedBack.increment();
  }

  void deadLettered() {
    deadLettered.increment();
  }

  void sampled(long messages, long consumerCount) {
    depth.set(messages);
    consumers.set(consumerCount);
  }

  void deadSampled(long messages) {
    dead.sampled(site, messages);
  }
}
