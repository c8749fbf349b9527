package dev.switchboard.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(10), 2.0);

  @Test
  void capDoublesFromMinUntilMax() {
    assertThat(backoff.cap(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.cap(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.cap(10)).isEqualTo(Duration.ofSeconds(512));
    assertThat(backoff.cap(11)).isEqualTo(Duration.ofMinutes(10));
    assertThat(backoff.cap(1000)).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void delayIsFullJitterWithinZeroAndCap() {
    Random random = new Random(42);
    for (int attempt = 1; attempt <= 40; attempt++) {
      for (int i = 0; i < 200; i++) {
        assertThat(backoff.delay(attempt, random)).isBetween(Duration.ZERO, backoff.cap(attempt));
      }
    }
  }

  @Test
  void defaultsRideOutAReceiverDownForAnHour() {
    WebhookSettings defaults = WebhookSettings.create(ConfigFactory.load());
    Backoff b = defaults.backoff();
    long expectedMillis = 0;
    for (int failed = 1; failed < defaults.maxAttempts(); failed++) {
      expectedMillis += b.cap(failed).toMillis() / 2;
    }
    // Mean wait of full jitter is half the cap; well over an hour leaves room for bad luck.
    assertThat(Duration.ofMillis(expectedMillis)).isGreaterThan(Duration.ofMinutes(90));
  }
}
