package dev.switchboard.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void nearestRankOfOneToAHundredIsTheRankItself() {
    Percentiles p = Percentiles.of(LongStream.rangeClosed(1, 100).toArray());

    assertThat(p.at(50)).isEqualTo(50);
    assertThat(p.at(95)).isEqualTo(95);
    assertThat(p.at(99)).isEqualTo(99);
    assertThat(p.max()).isEqualTo(100);
    assertThat(p.count()).isEqualTo(100);
  }

  @Test
  void everyPercentileIsAnObservedValueAndUnsortedInputIsSorted() {
    Percentiles p = Percentiles.of(new long[] {30, 10, 20});

    assertThat(p.at(1)).isEqualTo(10);
    assertThat(p.at(50)).isEqualTo(20);
    assertThat(p.at(66.7)).isEqualTo(30);
    assertThat(p.at(99)).isEqualTo(30);
  }

  @Test
  void aSingleSampleIsEveryPercentile() {
    Percentiles p = Percentiles.of(new long[] {7});

    assertThat(p.at(0.1)).isEqualTo(7);
    assertThat(p.at(100)).isEqualTo(7);
  }

  @Test
  void theCallersArrayIsLeftAsItWas() {
    long[] samples = {3, 1, 2};

    Percentiles.of(samples);

    assertThat(samples).containsExactly(3, 1, 2);
  }

  @Test
  void noSamplesOrABadPercentileIsAnError() {
    assertThatThrownBy(() -> Percentiles.of(new long[0]).at(50))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Percentiles.of(new long[] {1}).at(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Percentiles.of(new long[] {1}).at(101))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theRecorderGrowsPastItsFirstCapacity() {
    LatencyRecorder recorder = new LatencyRecorder();
    for (long i = 1; i <= 40_000; i++) {
      recorder.record(i);
    }

    assertThat(recorder.count()).isEqualTo(40_000);
    assertThat(recorder.percentiles().at(50)).isEqualTo(20_000);
  }
}
