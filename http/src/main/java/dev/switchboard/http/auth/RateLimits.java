package dev.switchboard.http.auth;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Each account's request rate: a token bucket per account, refilled at its {@code per-second} up to
 * its {@code burst}. {@code switchboard.http.rate-limit} is every account's unless its entry in
 * {@code switchboard.http.accounts} sets its own {@code rate-limit}.
 */
public final class RateLimits {
  /** One account's limit. */
  public record Limit(double perSecond, double burst) {
    static Limit of(Config c) {
      double perSecond = c.getDouble("per-second");
      double burst = c.getDouble("burst");
      if (perSecond <= 0 || burst < 1) {
        throw new IllegalArgumentException(
            "switchboard.http rate-limit: per-second must be > 0 and burst >= 1");
      }
      return new Limit(perSecond, burst);
    }
  }

  private final Limit defaults;
  private final Map<String, Limit> perAccount;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimits(Limit defaults, Map<String, Limit> perAccount, LongSupplier nanoTime) {
    this.defaults = defaults;
    this.perAccount = Map.copyOf(perAccount);
    this.nanoTime = nanoTime;
  }

  public static RateLimits create(Config root) {
    Config http = root.getConfig("switchboard.http");
    Limit defaults = Limit.of(http.getConfig("rate-limit"));
    Map<String, Limit> perAccount = new HashMap<>();
    for (Config account : http.getConfigList("accounts")) {
      if (account.hasPath("rate-limit")) {
        perAccount.put(
            account.getString("id"),
            Limit.of(account.getConfig("rate-limit").withFallback(http.getConfig("rate-limit"))));
      }
    }
    return new RateLimits(defaults, perAccount, System::nanoTime);
  }

  /**
   * Takes one request's token from the account's bucket.
   *
   * @return zero when the request may go, else how long until a token is there
   */
  public Duration acquire(Account account) {
    return buckets
        .computeIfAbsent(
            account.id(), id -> new Bucket(perAccount.getOrDefault(id, defaults), nanoTime))
        .take();
  }

  private static final class Bucket {
    private final Limit limit;
    private final LongSupplier nanoTime;
    private double tokens;
    private long refilledAt;

    Bucket(Limit limit, LongSupplier nanoTime) {
      this.limit = limit;
      this.nanoTime = nanoTime;
      this.tokens = limit.burst();
      this.refilledAt = nanoTime.getAsLong();
    }

    synchronized Duration take() {
      long now = nanoTime.getAsLong();
      tokens = Math.min(limit.burst(), tokens + (now - refilledAt) / 1e9 * limit.perSecond());
      refilledAt = now;
      if (tokens >= 1) {
        tokens -= 1;
        return Duration.ZERO;
      }
      return Duration.ofNanos((long) Math.ceil((1 - tokens) / limit.perSecond() * 1e9));
    }
  }
}
