package dev.switchboard.engine.webhook;

import com.typesafe.config.Config;
import java.time.Duration;

/** {@code switchboard.webhooks}, read once. */
public record WebhookSettings(
    boolean allowPrivate,
    Duration pollInterval,
    int batchSize,
    int maxConcurrency,
    int perTargetConcurrency,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration lease,
    int maxAttempts,
    Duration backoffMin,
    Duration backoffMax,
    double backoffMultiplier,
    Duration sampleInterval,
    Duration deliveredRetention,
    int poolSize,
    String blockingDispatcher) {

  public static final String PATH = "switchboard.webhooks";

  public WebhookSettings {
    if (lease.compareTo(connectTimeout.plus(requestTimeout)) <= 0) {
      throw new IllegalArgumentException(
          PATH + ".lease must be longer than connect-timeout + request-timeout");
    }
    if (maxAttempts < 1 || batchSize < 1 || maxConcurrency < 1 || perTargetConcurrency < 1) {
      throw new IllegalArgumentException(
          PATH + ": max-attempts, batch-size and concurrencies must be at least 1");
    }
  }

  public static WebhookSettings create(Config root) {
    Config c = root.getConfig(PATH);
    return new WebhookSettings(
        c.getBoolean("allow-private"),
        c.getDuration("poll-interval"),
        c.getInt("batch-size"),
        c.getInt("max-concurrency"),
        c.getInt("per-target-concurrency"),
        c.getDuration("connect-timeout"),
        c.getDuration("request-timeout"),
        c.getDuration("lease"),
        c.getInt("max-attempts"),
        c.getDuration("backoff.min"),
        c.getDuration("backoff.max"),
        c.getDouble("backoff.multiplier"),
        c.getDuration("sample-interval"),
        c.getDuration("delivered-retention"),
        c.getInt("pool-size"),
        PATH + ".blocking-dispatcher");
  }

  public Backoff backoff() {
    return new Backoff(backoffMin, backoffMax, backoffMultiplier);
  }

  public TargetPolicy policy() {
    return new TargetPolicy(allowPrivate);
  }
}
