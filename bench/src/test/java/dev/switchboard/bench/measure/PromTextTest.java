package dev.switchboard.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromTextTest {
  private static final String METRICS =
      """
      # HELP switchboard_messages_total
      # TYPE switchboard_messages_total counter
      switchboard_messages_total{channel="sandbox",status="delivered"} 1500.0
      switchboard_messages_total{channel="sandbox",status="sent"} 1510.0
      switchboard_messages_total{channel="sms",status="delivered"} 7.0
      switchboard_messages_total_created{channel="sandbox",status="delivered"} 1.7E9
      jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.048576E8
      jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2.097152E8
      jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 6.0E7
      process_uptime_seconds 42.5
      """;

  @Test
  void theSeriesMatchingEveryLabelAreSummed() {
    assertThat(
            PromText.sum(
                METRICS,
                "switchboard_messages_total",
                "channel=\"sandbox\"",
                "status=\"delivered\""))
        .isEqualTo(1500.0);
    assertThat(PromText.sum(METRICS, "switchboard_messages_total", "status=\"delivered\""))
        .isEqualTo(1507.0);
    assertThat(PromText.sum(METRICS, "jvm_memory_used_bytes", "area=\"heap\""))
        .isEqualTo(3.145728E8);
  }

  @Test
  void aMetricWithoutLabelsIsRead() {
    assertThat(PromText.sum(METRICS, "process_uptime_seconds")).isEqualTo(42.5);
  }

  @Test
  void anotherMetricWithTheSamePrefixIsNotCounted() {
    assertThat(PromText.sum(METRICS, "switchboard_messages_total")).isEqualTo(3017.0);
  }

  @Test
  void nothingMatchingIsZero() {
    assertThat(PromText.sum(METRICS, "switchboard_messages_total", "channel=\"fax\"")).isZero();
    assertThat(PromText.sum("", "anything")).isZero();
  }
}
