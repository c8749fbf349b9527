package dev.switchboard.channels.sandbox;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * A sandbox channel's settings: its block of {@code switchboard.engine.channels} over the defaults
 * in {@code switchboard.providers.sandbox}.
 */
public record SandboxSettings(
    Duration latency,
    Duration receiptDelay,
    Duration receiptRedelivery,
    Duration receiptRedeliveryFor,
    boolean ledger) {

  public static SandboxSettings create(Config channel, Config root) {
    Config c = channel.withFallback(root.getConfig("switchboard.providers.sandbox"));
    return new SandboxSettings(
        c.getDuration("latency"),
        c.getDuration("receipt-delay"),
        c.getDuration("receipt-redelivery"),
        c.getDuration("receipt-redelivery-for"),
        c.getBoolean("ledger"));
  }
}
