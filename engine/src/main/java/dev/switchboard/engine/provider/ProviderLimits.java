package dev.switchboard.engine.provider;

/**
 * How hard a provider instance may be driven.
 *
 * @param window sends outstanding at once (awaiting the peer's answer)
 * @param perSecond sends per second, in units of {@link ProviderAdapter#cost} (SMS segments); 0 is
 *     no limit
 */
public record ProviderLimits(int window, double perSecond) {
  public ProviderLimits {
    if (window < 1) {
      throw new IllegalArgumentException("window must be at least 1, not " + window);
    }
    if (perSecond < 0) {
      throw new IllegalArgumentException("the rate limit must not be negative: " + perSecond);
    }
  }
}
