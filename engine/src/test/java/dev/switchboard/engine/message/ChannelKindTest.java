package dev.switchboard.engine.message;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChannelKindTest {

  @Test
  void anXRecipientIsAUserIdOfAtMost19DigitsAsTheApiTakesIt() {
    // X's OpenAPI: participant_id matches ^[0-9]{1,19}$ (a 64-bit id).
    assertThat(ChannelKind.TWITTER.checkRecipient("2244994945")).isEmpty();
    assertThat(ChannelKind.TWITTER.checkRecipient("9".repeat(19))).isEmpty();
    assertThat(ChannelKind.TWITTER.checkRecipient("9".repeat(20))).isPresent();
    assertThat(ChannelKind.TWITTER.checkRecipient("@jack")).isPresent();
    assertThat(ChannelKind.TWITTER.checkRecipient("")).isPresent();
  }

  @Test
  void anXDmIsAtMost10000Characters() {
    assertThat(ChannelKind.TWITTER.checkText("x".repeat(10_000))).isEmpty();
    assertThat(ChannelKind.TWITTER.checkText("x".repeat(10_001)))
        .get()
        .extracting(FieldError::field)
        .isEqualTo("text");
  }
}
