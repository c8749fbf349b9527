package dev.switchboard.engine.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class SiteSelectorTest {
  private static final Site PRIMARY = new Site("primary", List.of("amqp://a"));
  private static final Site SECONDARY = new Site("secondary", List.of("amqp://b"));

  private final MutableClock clock = new MutableClock();

  @Test
  void failsOverAfterTheConfiguredNumberOfFailuresInARow() {
    SiteSelector sites =
        new SiteSelector(List.of(PRIMARY, SECONDARY), 3, Duration.ofMinutes(1), clock);

    assertThat(sites.failed("refused")).isEmpty();
    assertThat(sites.failed("refused")).isEmpty();
    SiteSelector.Switch change = sites.failed("refused").orElseThrow();

    assertThat(change.from()).isEqualTo(PRIMARY);
    assertThat(change.to()).isEqualTo(SECONDARY);
    assertThat(change.reason()).contains("3 failed attempts").contains("refused");
    assertThat(sites.active()).isEqualTo(SECONDARY);
    assertThat(sites.failovers()).isEqualTo(1);
  }

  @Test
  void aSuccessInBetweenStartsTheCountAgain() {
    SiteSelector sites =
        new SiteSelector(List.of(PRIMARY, SECONDARY), 3, Duration.ofMinutes(1), clock);

    sites.failed("x");
    sites.failed("x");
    sites.connected();
    sites.failed("x");
    sites.failed("x");

    assertThat(sites.active()).isEqualTo(PRIMARY);
  }

  @Test
  void failsOverAfterFailingForTheConfiguredTimeEvenWithFewAttempts() {
    SiteSelector sites =
        new SiteSelector(List.of(PRIMARY, SECONDARY), 100, Duration.ofSeconds(15), clock);

    assertThat(sites.failed("timeout")).isEmpty();
    clock.advance(Duration.ofSeconds(14));
    assertThat(sites.failed("timeout")).isEmpty();
    clock.advance(Duration.ofSeconds(1));

    assertThat(sites.failed("timeout")).map(SiteSelector.Switch::to).contains(SECONDARY);
  }

  @Test
  void wrapsAroundWhenEverySiteFailsAndFailsBackToTheFirst() {
    SiteSelector sites =
        new SiteSelector(List.of(PRIMARY, SECONDARY), 1, Duration.ofMinutes(1), clock);

    assertThat(sites.failed("down").orElseThrow().to()).isEqualTo(SECONDARY);
    assertThat(sites.failed("down").orElseThrow().to()).isEqualTo(PRIMARY);
    sites.failed("down");
    assertThat(sites.onFirstSite()).isFalse();

    SiteSelector.Switch back = sites.failBack();

    assertThat(back.from()).isEqualTo(SECONDARY);
    assertThat(sites.active()).isEqualTo(PRIMARY);
    assertThat(sites.onFirstSite()).isTrue();
  }

  @Test
  void aSingleSiteNeverFailsOver() {
    SiteSelector sites = new SiteSelector(List.of(PRIMARY), 1, Duration.ZERO, clock);

    assertThat(sites.failed("down")).isEmpty();
    assertThat(sites.failovers()).isZero();
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-11-27T10:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
