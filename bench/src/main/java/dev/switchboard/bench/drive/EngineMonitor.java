package dev.switchboard.bench.drive;

import dev.switchboard.bench.measure.ProcStats;
import dev.switchboard.bench.measure.PromText;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the engine's memory while the benchmark runs: resident memory from {@code /proc} (the
 * kernel also keeps the peak, VmHWM) and the JVM heap in use from {@code /metrics}, whose peak only
 * sampling can find.
 */
public final class EngineMonitor implements AutoCloseable {
  private static final long PERIOD_MILLIS = 2_000;

  private final EngineProcess engine;
  private final EngineClient client;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bench-monitor");
            t.setDaemon(true);
            return t;
          });
  private volatile long peakHeapBytes;
  private volatile long peakRssKb;

  public EngineMonitor(EngineProcess engine, EngineClient client) {
    this.engine = engine;
    this.client = client;
    timer.scheduleWithFixedDelay(this::sample, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void sample() {
    if (!engine.alive()) {
      return;
    }
    try {
      peakRssKb = Math.max(peakRssKb, ProcStats.read(engine.pid()).peakRssKb());
      long heap = (long) PromText.sum(client.metrics(), "jvm_memory_used_bytes", "area=\"heap\"");
      peakHeapBytes = Math.max(peakHeapBytes, heap);
    } catch (IOException | RuntimeException e) {
      // A missed sample is only a missed sample; the engine's death is seen elsewhere.
    }
  }

  public long peakHeapBytes() {
    return peakHeapBytes;
  }

  /** The kernel's own high-water mark of resident memory, read at the last sample. */
  public long peakRssKb() {
    return peakRssKb;
  }

  @Override
  public void close() {
    sample();
    timer.shutdownNow();
  }
}
