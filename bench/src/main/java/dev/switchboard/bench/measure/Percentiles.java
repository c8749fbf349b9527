package dev.switchboard.bench.measure;

import java.util.Arrays;

/**
 * Percentiles of a set of latencies by the nearest-rank method: the value at rank {@code ceil(p/100
 * * n)} of the sorted samples, so every reported figure is one that was observed.
 */
public final class Percentiles {
  private final long[] sorted;

  private Percentiles(long[] sorted) {
    this.sorted = sorted;
  }

  /** Sorts a copy of {@code samples}; the caller's array is left as it is. */
  public static Percentiles of(long[] samples) {
    long[] copy = Arrays.copyOf(samples, samples.length);
    Arrays.sort(copy);
    return new Percentiles(copy);
  }

  public int count() {
    return sorted.length;
  }

  /**
   * The {@code p}th percentile (0 &lt; p &le; 100).
   *
   * @throws IllegalStateException when there are no samples
   */
  public long at(double p) {
    if (p <= 0 || p > 100) {
      throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
    }
    if (sorted.length == 0) {
      throw new IllegalStateException("no samples");
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(1, rank) - 1];
  }

  public long max() {
    return at(100);
  }
}
