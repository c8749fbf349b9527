package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void defaultsNeedNoFlags() {
    BenchOptions options = BenchOptions.parse();

    assertThat(options.duration()).isEqualTo(Duration.ofSeconds(20));
    assertThat(options.db()).isEqualTo("h2");
    assertThat(options.engineHeap()).isEqualTo("512m");
    assertThat(options.rate()).isZero();
    assertThat(options.sms()).isFalse();
  }

  @Test
  void theSmsModeHasKannelOnWhenFoundAndAnSmppBindWithoutALimit() {
    BenchOptions options = BenchOptions.parse("--channel=sms");

    assertThat(options.sms()).isTrue();
    assertThat(options.kannel()).isEqualTo("auto");
    assertThat(options.smppWindow()).isEqualTo(50);
    assertThat(options.smppTps()).isEqualTo(100_000);
    assertThat(BenchOptions.parse("--channel=sms", "--kannel=off").kannel()).isEqualTo("off");
  }

  @Test
  void bothFlagFormsAndRepeatedJvmOptionsAreRead() {
    BenchOptions options =
        BenchOptions.parse(
            "--rate=500",
            "--duration",
            "2m",
            "--backlog=1_000",
            "--warmup=500ms",
            "--engine-jvm-opt=-Xlog:gc",
            "--engine-jvm-opt",
            "-XX:+UseParallelGC");

    assertThat(options.rate()).isEqualTo(500);
    assertThat(options.duration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(options.warmup()).isEqualTo(Duration.ofMillis(500));
    assertThat(options.backlog()).isEqualTo(1_000);
    assertThat(options.engineJvmOptions()).containsExactly("-Xlog:gc", "-XX:+UseParallelGC");
  }

  @Test
  void misspeltOrOutOfRangeFlagsAreRefused() {
    assertThatThrownBy(() -> BenchOptions.parse("--durration=10s"))
        .hasMessageContaining("durration");
    assertThatThrownBy(() -> BenchOptions.parse("--batch-size=101"))
        .hasMessageContaining("batch-size");
    assertThatThrownBy(() -> BenchOptions.parse("--db=mysql")).hasMessageContaining("db");
    assertThatThrownBy(() -> BenchOptions.parse("--rate=fast")).hasMessageContaining("rate");
    assertThatThrownBy(() -> BenchOptions.parse("--rate")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> BenchOptions.parse("--channel=mms")).hasMessageContaining("channel");
    assertThatThrownBy(() -> BenchOptions.parse("--kannel=on")).hasMessageContaining("kannel");
    assertThatThrownBy(() -> BenchOptions.parse("--smpp-tps=0")).hasMessageContaining("smpp-tps");
  }
}
