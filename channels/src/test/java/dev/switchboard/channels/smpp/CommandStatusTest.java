package dev.switchboard.channels.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.provider.SendOutcome;
import org.junit.jupiter.api.Test;

class CommandStatusTest {

  @Test
  void throttlingStatusesAreThrottled() {
    assertThat(CommandStatus.classify(0x58).outcome())
        .isEqualTo(new SendOutcome.Throttled("smpp_0x00000058", null));
    assertThat(CommandStatus.classify(0x14).outcome()).isInstanceOf(SendOutcome.Throttled.class);
  }

  @Test
  void retryableStatusesAreTransient() {
    for (int status : new int[] {0x08, 0x64}) {
      CommandStatus.Classified c = CommandStatus.classify(status);
      assertThat(c.outcome()).isInstanceOf(SendOutcome.TransientFailure.class);
      assertThat(c.sessionLost()).isFalse();
    }
  }

  @Test
  void bindStatusesAreTransientAndLoseTheSession() {
    for (int status : new int[] {0x04, 0x05}) {
      CommandStatus.Classified c = CommandStatus.classify(status);
      assertThat(c.outcome()).isInstanceOf(SendOutcome.TransientFailure.class);
      assertThat(c.sessionLost()).isTrue();
    }
  }

  @Test
  void permanentStatusesNameTheStatus() {
    assertThat(CommandStatus.classify(0x0B).outcome())
        .isEqualTo(
            new SendOutcome.PermanentFailure(
                "smpp_0x0000000b", "ESME_RINVDSTADR: invalid destination address"));
    for (int status :
        new int[] {0x01, 0x0A, 0x43, 0x45, 0x48, 0x51, 0x61, 0x62, 0x65, 0x66, 0xC0, 0xC4, 0x104}) {
      assertThat(CommandStatus.classify(status).outcome())
          .isInstanceOf(SendOutcome.PermanentFailure.class);
    }
  }

  @Test
  void unknownStatusesArePermanent() {
    assertThat(CommandStatus.classify(0x400).outcome())
        .isEqualTo(new SendOutcome.PermanentFailure("smpp_0x00000400", "unknown command_status"));
  }
}
