package dev.switchboard.channels.twitter;

import dev.switchboard.engine.provider.SendOutcome;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What X's {@code x-rate-limit-*} headers and usage caps said last, for one instance: sends are
 * held (answered {@link SendOutcome.Throttled} without asking X) while the window has no requests
 * left or the usage cap holds. Outlives sessions; thread-safe.
 */
final class XRateLimits {
  private final Duration margin;
  private Instant exhaustedUntil;
  private Instant cappedUntil;

  XRateLimits(Duration margin) {
    this.margin = margin;
  }

  /** The {@code x-rate-limit-reset} time of an answer, or null. */
  static Instant reset(HttpHeaders headers) {
    return headers
        .firstValue("x-rate-limit-reset")
        .flatMap(XRateLimits::number)
        .map(Instant::ofEpochSecond)
        .orElse(null);
  }

  /** Learns from any answer's headers: no requests left means none until the reset. */
  synchronized void observe(HttpHeaders headers, Instant now) {
    Optional<Long> remaining =
        headers.firstValue("x-rate-limit-remaining").flatMap(XRateLimits::number);
    Instant reset = reset(headers);
    if (remaining.isPresent() && remaining.get() <= 0 && reset != null && reset.isAfter(now)) {
      exhaustedUntil = reset.plus(margin);
    }
  }

  /** X refused for the usage cap: nothing is sent before {@code until}. */
  synchronized void capped(Instant until) {
    cappedUntil = until;
  }

  /** The answer for a send that must not reach X now, if any. */
  synchronized Optional<SendOutcome.Throttled> hold(Instant now) {
    if (cappedUntil != null && cappedUntil.isAfter(now)) {
      return Optional.of(
          new SendOutcome.Throttled(XErrors.USAGE_CAPPED, Duration.between(now, cappedUntil)));
    }
    if (exhaustedUntil != null && exhaustedUntil.isAfter(now)) {
      return Optional.of(
          new SendOutcome.Throttled(XErrors.RATE_LIMITED, Duration.between(now, exhaustedUntil)));
    }
    return Optional.empty();
  }

  private static Optional<Long> number(String value) {
    try {
      return Optional.of(Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
