package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResultLineTest {

  @Test
  void theLineHasExactlyTheAgreedShape() {
    ResultLine line = new ResultLine(9000.4, 4500.6, 12.345, 0.954, 812.5, 610.2);

    assertThat(line.format())
        .isEqualTo(
            "RESULT broker_per_s=9000 e2e_per_s=4501 ratio=0.50 api_p99_ms=12.3 drain_ratio=0.95"
                + " cpu_ms_per_1k=813 rss_mb=610");
  }

  @Test
  void whatWasNotMeasuredIsNan() {
    ResultLine line =
        new ResultLine(9000, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    assertThat(line.format())
        .isEqualTo(
            "RESULT broker_per_s=9000 e2e_per_s=nan ratio=nan api_p99_ms=nan drain_ratio=nan"
                + " cpu_ms_per_1k=nan rss_mb=nan");
  }

  @Test
  void noBrokerFigureMeansNoRatio() {
    assertThat(new ResultLine(0, 100, 1, 1, 1, 1).format()).contains("ratio=nan");
  }

  @Test
  void theSmsModeAddsKannelsFiguresAfterTheOthers() {
    ResultLine line =
        new ResultLine(9000, 450, 12.3, 0.95, 812, 610, new ResultLine.Kannel(700.4, 95.6));

    assertThat(line.format())
        .isEqualTo(
            "RESULT broker_per_s=9000 e2e_per_s=450 ratio=0.05 api_p99_ms=12.3 drain_ratio=0.95"
                + " cpu_ms_per_1k=812 rss_mb=610 kannel_per_s=700 kannel_cpu_ms_per_1k=96");
  }

  @Test
  void aSkippedKannelIsNanInTheSmsMode() {
    ResultLine line =
        new ResultLine(9000, 450, 12.3, 0.95, 812, 610, ResultLine.Kannel.NOT_MEASURED);

    assertThat(line.format()).endsWith(" rss_mb=610 kannel_per_s=nan kannel_cpu_ms_per_1k=nan");
  }
}
