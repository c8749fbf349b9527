package dev.switchboard.http.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
  private final AtomicLong now = new AtomicLong();

  @Test
  void aBurstGoesThenRequestsWaitForTheRate() {
    RateLimits limits = new RateLimits(new RateLimits.Limit(10, 3), Map.of(), now::get);
    Account acme = new Account("acme");

    assertThat(limits.acquire(acme)).isZero();
    assertThat(limits.acquire(acme)).isZero();
    assertThat(limits.acquire(acme)).isZero();
    assertThat(limits.acquire(acme)).isEqualTo(Duration.ofMillis(100));
    now.addAndGet(Duration.ofMillis(100).toNanos());
    assertThat(limits.acquire(acme)).isZero();
    assertThat(limits.acquire(acme)).isPositive();
  }

  @Test
  void eachAccountHasItsOwnBucketAndMaySetItsOwnLimit() {
    RateLimits limits =
        new RateLimits(
            new RateLimits.Limit(10, 1), Map.of("big", new RateLimits.Limit(10, 5)), now::get);

    assertThat(limits.acquire(new Account("a"))).isZero();
    assertThat(limits.acquire(new Account("a"))).isPositive();
    assertThat(limits.acquire(new Account("b"))).isZero();
    for (int i = 0; i < 5; i++) {
      assertThat(limits.acquire(new Account("big"))).isZero();
    }
    assertThat(limits.acquire(new Account("big"))).isPositive();
  }

  @Test
  void theDefaultIsGenerousAndOn() {
    RateLimits.Limit defaults =
        RateLimits.Limit.of(
            ConfigFactory.defaultReference().resolve().getConfig("switchboard.http.rate-limit"));

    assertThat(defaults.perSecond()).isEqualTo(1000);
    assertThat(defaults.burst()).isEqualTo(2000);
    assertThatThrownBy(
            () -> RateLimits.Limit.of(ConfigFactory.parseString("per-second = 0, burst = 10")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
