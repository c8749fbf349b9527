package dev.switchboard.engine.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.health.ComponentReport;
import dev.switchboard.engine.health.HealthRegistry;
import dev.switchboard.engine.health.HealthReport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What health and metrics show of an instance's circuit breaker, at each of its states. */
class ProviderBreakerReportTest {
  private static final SendOutcome UNAVAILABLE =
      new SendOutcome.TransientFailure("http_503", "unavailable", null);

  private final ChannelRouteTest.TestClock clock =
      new ChannelRouteTest.TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final ProviderHealth health =
      new ProviderHealth(
          "smpp",
          "sms",
          "smsc:2775",
          clock,
          TestBreakers.consecutive(2, Duration.ofSeconds(30), 1));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void healthAndMetricsFollowTheBreakerAndAnOpenOneNeverMakesTheNodeUnready() {
    new ProviderMetrics(meters, health, new ProviderLimits(10, 0));
    HealthRegistry registry = new HealthRegistry();
    registry.register(health);
    health.opened();

    Map<String, Object> closed = report().asMap();
    assertThat(closed)
        .containsEntry("status", "UP")
        .containsEntry("breaker", "closed")
        .containsEntry("breakerReason", "started")
        .containsEntry("consecutiveFailures", 0);
    assertThat(stateGauge()).isZero();

    attempt(UNAVAILABLE);
    attempt(UNAVAILABLE);
    Instant openedAt = clock.instant();
    clock.advance(Duration.ofSeconds(1));

    Map<String, Object> open = report().asMap();
    assertThat(open)
        .containsEntry("status", "DOWN")
        .containsEntry("state", "UP")
        .containsEntry("breaker", "open")
        .containsEntry("breakerSince", openedAt.toString())
        .containsEntry("breakerReason", "2 failures in a row, the last http_503")
        .containsEntry("consecutiveFailures", 2)
        .containsEntry("recentAttempts", 2)
        .containsEntry("recentFailures", 2);
    HealthReport node = registry.report();
    assertThat(node.ready()).isTrue();
    assertThat(stateGauge()).isEqualTo(2);
    assertThat(transitions("open")).isEqualTo(1);

    clock.advance(Duration.ofSeconds(29));
    assertThat(report().asMap())
        .containsEntry("status", "UP")
        .containsEntry("breaker", "half_open");
    assertThat(stateGauge()).isEqualTo(1);

    attempt(new SendOutcome.Sent("x-1"));
    assertThat(report().asMap())
        .containsEntry("breaker", "closed")
        .containsEntry("breakerReason", "the trial succeeded");
    assertThat(stateGauge()).isZero();
    assertThat(transitions("open")).isEqualTo(1);
    assertThat(transitions("half_open")).isEqualTo(1);
    assertThat(transitions("closed")).isEqualTo(1);
  }

  @Test
  void aBreakerConfiguredOffShowsOffAndNeverTakesTheInstanceDown() {
    ProviderHealth off =
        new ProviderHealth("sandbox", "sandbox", "sandbox", clock, TestBreakers.off());
    off.opened();
    for (int i = 0; i < 10; i++) {
      CircuitBreaker breaker = off.breaker();
      breaker.record(breaker.tryAcquire(), UNAVAILABLE, null);
    }

    assertThat(off.report().asMap()).containsEntry("status", "UP").containsEntry("breaker", "off");
  }

  private ComponentReport report() {
    return health.report();
  }

  private void attempt(SendOutcome outcome) {
    CircuitBreaker breaker = health.breaker();
    breaker.record(breaker.tryAcquire(), outcome, null);
  }

  private double stateGauge() {
    return meters
        .get("switchboard.provider.breaker.state")
        .tags("provider", "smpp", "channel", "sms")
        .gauge()
        .value();
  }

  private double transitions(String to) {
    return meters
        .get("switchboard.provider.breaker.transitions")
        .tags("provider", "smpp", "channel", "sms", "to", to)
        .functionCounter()
        .count();
  }
}
