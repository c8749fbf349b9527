package dev.switchboard.bench.measure;

import java.util.Arrays;

/** Collects latencies from many threads; cheap enough to call on every response. */
public final class LatencyRecorder {
  private long[] samples = new long[1 << 14];
  private int size;

  public synchronized void record(long nanos) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = nanos;
  }

  public synchronized Percentiles percentiles() {
    return Percentiles.of(Arrays.copyOf(samples, size));
  }

  public synchronized int count() {
    return size;
  }
}
