package dev.switchboard.engine.reconcile;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code switchboard.engine.reconciler}, read once, with each channel's receipt window ({@code
 * switchboard.engine.channels.<channel>.receipt-window} over the default here).
 *
 * @param acceptedGrace an {@code accepted} message this long after its acceptance is asked about
 * @param retryGrace added to the longest backoff before a {@code retrying} message is asked about
 * @param republishBackoffMax the longest wait between two republishes of one message (the wait
 *     doubles from the rule's own grace)
 * @param recentLag rows written less than this long ago are always rescanned (a transaction that
 *     commits late may give a row an ordering below newer ones already seen)
 */
public record ReconcilerSettings(
    boolean enabled,
    Duration interval,
    int batchSize,
    int parallelism,
    Duration acceptedGrace,
    Duration retryGrace,
    Duration receiptWindow,
    Map<String, Duration> channelReceiptWindows,
    Duration republishBackoffMax,
    Duration recentLag,
    Duration askTimeout) {

  public ReconcilerSettings {
    channelReceiptWindows = Map.copyOf(channelReceiptWindows);
    if (batchSize < 1 || parallelism < 1) {
      throw new IllegalArgumentException(
          "switchboard.engine.reconciler: batch-size and parallelism must be at least 1");
    }
  }

  public static ReconcilerSettings create(Config root) {
    Config c = root.getConfig("switchboard.engine.reconciler");
    Duration window = c.getDuration("receipt-window");
    Config channels = root.getConfig("switchboard.engine.channels");
    Map<String, Duration> windows = new LinkedHashMap<>();
    for (String channel : channels.root().keySet()) {
      String path = channel + ".receipt-window";
      if (channels.hasPath(path)) {
        windows.put(channel, channels.getDuration(path));
      }
    }
    return new ReconcilerSettings(
        c.getBoolean("enabled"),
        c.getDuration("interval"),
        c.getInt("batch-size"),
        c.getInt("parallelism"),
        c.getDuration("accepted-grace"),
        c.getDuration("retry-grace"),
        window,
        windows,
        c.getDuration("republish-backoff-max"),
        c.getDuration("recent-lag"),
        c.getDuration("ask-timeout"));
  }

  /** How long a {@code sent} message of {@code channel} waits for its receipt. */
  public Duration receiptWindow(String channel) {
    return channelReceiptWindows.getOrDefault(channel, receiptWindow);
  }

  /** The shortest receipt window of any channel: the journal is searched from it. */
  Duration shortestReceiptWindow() {
    return channelReceiptWindows.values().stream()
        .reduce(receiptWindow, (a, b) -> a.compareTo(b) <= 0 ? a : b);
  }
}
