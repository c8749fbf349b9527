package dev.switchboard.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ProcStatsTest {
  // A real line of /proc/<pid>/stat for a java process: utime 1234, stime 567 (ticks).
  private static final String STAT =
      "4242 (java) S 1 4242 4242 0 -1 4194560 123456 0 12 0 1234 567 0 0 20 0 45 0 1000"
          + " 4000000000 100000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

  @Test
  void cpuTimeIsUserPlusSystemTicksInMillis() {
    assertThat(ProcStats.cpuMillis(STAT)).isEqualTo((1234 + 567) * 10);
  }

  @Test
  void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
    String odd = STAT.replace("(java)", "(my (odd) name)");

    assertThat(ProcStats.cpuMillis(odd)).isEqualTo((1234 + 567) * 10);
  }

  @Test
  void somethingElseIsRefused() {
    assertThatThrownBy(() -> ProcStats.cpuMillis("no parentheses here"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void statusLinesAreReadInKb() {
    String status =
        "Name:\tjava\nVmPeak:\t 4000000 kB\nVmHWM:\t  812000 kB\nVmRSS:\t  640512 kB\nThreads:\t45\n";

    assertThat(ProcStats.statusKb(status, "VmRSS")).isEqualTo(640_512);
    assertThat(ProcStats.statusKb(status, "VmHWM")).isEqualTo(812_000);
    assertThat(ProcStats.statusKb(status, "VmSwap")).isZero();
  }

  @Test
  void machineBusyTimeLeavesOutIdleAndIowait() {
    String procStat =
        "cpu  100 20 30 5000 70 1 2 3 0 0\ncpu0 50 10 15 2500 35 0 1 1 0 0\nintr 1 2 3\n";

    assertThat(ProcStats.machineBusyMillis(procStat)).isEqualTo((100 + 20 + 30 + 1 + 2 + 3) * 10);
  }

  @Test
  void thisProcessCanBeRead() throws IOException {
    ProcStats.Sample sample = ProcStats.read(ProcessHandle.current().pid());

    assertThat(sample.rssKb()).isPositive();
    assertThat(sample.peakRssKb()).isGreaterThanOrEqualTo(sample.rssKb());
    assertThat(sample.cpuMillis()).isNotNegative();
  }
}
