package dev.switchboard.channels.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HexIdMemoryTest {

  @Test
  void withNothingInFlightItAnswersAtOnce() {
    assertThat(new HexIdMemory().sawHex(Duration.ofDays(1))).contains(false);
  }

  @Test
  void aResponseIdWithALetterIsRemembered() {
    HexIdMemory memory = new HexIdMemory();
    memory.submitting();
    memory.answered("12");
    assertThat(memory.sawHex(Duration.ZERO)).contains(false);
    memory.submitting();
    memory.answered("1f");
    memory.submitting();
    memory.answered("34");
    assertThat(memory.sawHex(Duration.ZERO)).contains(true);
  }

  @Test
  void whileTheFirstResponseIsOnItsWayItCannotTell() {
    HexIdMemory memory = new HexIdMemory();
    memory.submitting();
    assertThat(memory.sawHex(Duration.ofMillis(20))).isEmpty();
    memory.answered(null);
    assertThat(memory.sawHex(Duration.ofDays(1))).contains(false);
  }
}
