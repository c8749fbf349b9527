package dev.switchboard.channels.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.channels.smpp.MessageIds.Format;
import org.junit.jupiter.api.Test;

class MessageIdsTest {

  @Test
  void canonicalTrimsLowersAndStripsLeadingZeros() {
    assertThat(MessageIds.canonical(" 00AbC1 ")).isEqualTo("abc1");
    assertThat(MessageIds.canonical("000")).isEqualTo("0");
    assertThat(MessageIds.canonical("12345")).isEqualTo("12345");
  }

  @Test
  void looksHexOnlyWithALetter() {
    assertThat(MessageIds.looksHex("1a2b")).isTrue();
    assertThat(MessageIds.looksHex("1A")).isTrue();
    assertThat(MessageIds.looksHex("123")).isFalse();
    assertThat(MessageIds.looksHex("xyz")).isFalse();
  }

  @Test
  void autoConvertsDecimalTextIdsOnlyOnceHexIdsWereSeen() {
    // 0x1a2b3c = 1715004
    assertThat(MessageIds.ofReceiptText("1715004", Format.AUTO, true)).isEqualTo("1a2b3c");
    assertThat(MessageIds.ofReceiptText("0001715004", Format.AUTO, true)).isEqualTo("1a2b3c");
    assertThat(MessageIds.ofReceiptText("1715004", Format.AUTO, false)).isEqualTo("1715004");
    assertThat(MessageIds.ofReceiptText("1A2B3C", Format.AUTO, true)).isEqualTo("1a2b3c");
  }

  @Test
  void asIsAndDecimalOverrideTheGuess() {
    assertThat(MessageIds.ofReceiptText("1715004", Format.AS_IS, true)).isEqualTo("1715004");
    assertThat(MessageIds.ofReceiptText("1715004", Format.DECIMAL, false)).isEqualTo("1a2b3c");
    assertThat(MessageIds.ofReceiptText("abc", Format.DECIMAL, false)).isEqualTo("abc");
    assertThat(MessageIds.ofReceiptText("99999999999999999999999", Format.DECIMAL, false))
        .isEqualTo("152d02c7e14af67fffff");
  }

  @Test
  void formatParsesTheSetting() {
    assertThat(Format.parse("auto")).isEqualTo(Format.AUTO);
    assertThat(Format.parse("AS-IS")).isEqualTo(Format.AS_IS);
    assertThat(Format.parse("decimal")).isEqualTo(Format.DECIMAL);
    assertThatThrownBy(() -> Format.parse("hex")).hasMessageContaining("auto, as-is or decimal");
  }
}
