package dev.switchboard.engine.reconcile;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** {@code switchboard.reconciler.*}: passes, what they found and what they did. */
final class ReconcilerMetrics {
  private final MeterRegistry registry;
  private final Timer duration;
  private final AtomicLong open = new AtomicLong();
  private final AtomicLong watermark = new AtomicLong();
  private final AtomicLong scanFrom = new AtomicLong();

  ReconcilerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.duration = registry.timer("switchboard.reconciler.pass.duration");
    registry.gauge("switchboard.reconciler.open.messages", open);
    registry.gauge("switchboard.reconciler.watermark", watermark);
    registry.gauge("switchboard.reconciler.scan.from", scanFrom);
  }

  void passed(boolean ok, Duration took) {
    registry.counter("switchboard.reconciler.passes", "outcome", ok ? "ok" : "failed").increment();
    duration.record(took);
  }

  /** Overdue messages a pass found (each is then asked about). */
  void overdue(int count) {
    registry.counter("switchboard.reconciler.overdue").increment(count);
  }

  void republished(String reason) {
    registry.counter("switchboard.reconciler.republished", "reason", reason).increment();
  }

  void republishFailed(String reason) {
    registry.counter("switchboard.reconciler.republish.failures", "reason", reason).increment();
  }

  void windowClosed() {
    registry.counter("switchboard.reconciler.windows.closed").increment();
  }

  /** A pass read the journal above {@code from} and moved the watermark to {@code next}. */
  void bound(long openMessages, long from, long next) {
    open.set(openMessages);
    scanFrom.set(from);
    watermark.set(next);
  }
}
