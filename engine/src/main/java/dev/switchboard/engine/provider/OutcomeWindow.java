package dev.switchboard.engine.provider;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * Attempts and failures over the last {@code window}, kept in ten buckets so memory does not grow
 * with traffic (the window slides a tenth at a time). Not thread-safe: its breaker guards it.
 */
final class OutcomeWindow {
  private static final int BUCKETS = 10;

  private final long bucketMillis;
  // The bucket number (time / bucketMillis) each slot holds; a slot from an older turn is stale.
  private final long[] epochs = new long[BUCKETS];
  private final int[] calls = new int[BUCKETS];
  private final int[] failures = new int[BUCKETS];

  OutcomeWindow(Duration window) {
    this.bucketMillis = Math.max(1, window.toMillis() / BUCKETS);
    clear();
  }

  void record(Instant at, boolean failed) {
    long epoch = at.toEpochMilli() / bucketMillis;
    int slot = (int) Math.floorMod(epoch, (long) BUCKETS);
    if (epochs[slot] != epoch) {
      epochs[slot] = epoch;
      calls[slot] = 0;
      failures[slot] = 0;
    }
    calls[slot]++;
    if (failed) {
      failures[slot]++;
    }
  }

  int calls(Instant now) {
    return sum(calls, now);
  }

  int failures(Instant now) {
    return sum(failures, now);
  }

  void clear() {
    Arrays.fill(epochs, Long.MIN_VALUE);
    Arrays.fill(calls, 0);
    Arrays.fill(failures, 0);
  }

  private int sum(int[] counts, Instant now) {
    long current = now.toEpochMilli() / bucketMillis;
    int total = 0;
    for (int slot = 0; slot < BUCKETS; slot++) {
      if (epochs[slot] > current - BUCKETS && epochs[slot] <= current) {
        total += counts[slot];
      }
    }
    return total;
  }
}
