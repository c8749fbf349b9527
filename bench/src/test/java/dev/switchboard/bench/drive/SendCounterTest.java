package dev.switchboard.bench.drive;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SendCounterTest {

  @Test
  void markersAreCountedWithoutOverlap() {
    String batch =
        "{\"results\":[{\"index\":0,\"id\":\"msg_1\",\"status\":\"accepted\"},"
            + "{\"index\":1,\"error\":{\"code\":\"invalid_request\"}},"
            + "{\"index\":2,\"id\":\"msg_2\",\"status\":\"accepted\"}]}";

    assertThat(SendCounter.occurrences(batch, "\"status\":\"accepted\"")).isEqualTo(2);
    assertThat(SendCounter.occurrences(batch, "\"error\":{")).isEqualTo(1);
    assertThat(SendCounter.occurrences("aaaa", "aa")).isEqualTo(2);
    assertThat(SendCounter.occurrences("", "aa")).isZero();
  }

  @Test
  void recipientsAvoidTheSandboxsFailingSuffixes() {
    for (long i = 0; i < Recipients.DISTINCT; i++) {
      String to = Recipients.of(i);
      assertThat(to.endsWith("0001") || to.endsWith("0002")).as(to).isFalse();
    }
    assertThat(Recipients.of(0)).isNotEqualTo(Recipients.of(1));
  }
}
