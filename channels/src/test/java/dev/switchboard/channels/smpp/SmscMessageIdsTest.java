package dev.switchboard.channels.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.channels.smpp.SmscMessageIds.Format;
import org.junit.jupiter.api.Test;

class MessageIdsTest {

  @Test
  void canonicalTrimsLowersAndStripsLeadingZeros() {
    assertThat(SmscMessageIds.canonical(" 00AbC1 ")).isEqualTo("abc1");
    assertThat(SmscMessageIds.canonical("000")).isEqualTo("0");
    assertThat(SmscMessageIds.canonical("12345")).isEqualTo("12345");
  }

  @Test
  void looksHexOnlyWithALetter() {
    assertThat(SmscMessageIds.looksHex("1a2b")).isTrue();
    assertThat(SmscMessageIds.looksHex("1A")).isTrue();
    assertThat(SmscMessageIds.looksHex("123")).isFalse();
    assertThat(SmscMessageIds.looksHex("xyz")).isFalse();
  }

  @Test
  void autoConvertsDecimalTextIdsOnlyOnceHexIdsWereSeen() {
    // 0x1a2b3c = 1715004
    assertThat(SmscMessageIds.ofReceiptText("1715004", Format.AUTO, true)).isEqualTo("1a2b3c");
    assertThat(SmscMessageIds.ofReceiptText("0001715004", Format.AUTO, true)).isEqualTo("1a2b3c");
    assertThat(SmscMessageIds.ofReceiptText("1715004", Format.AUTO, false)).isEqualTo("1715004");
    assertThat(SmscMessageIds.ofReceiptText("1A2B3C", Format.AUTO, true)).isEqualTo("1a2b3c");
  }

  @Test
  void asIsAndDecimalOverrideTheGuess() {
    assertThat(SmscMessageIds.ofReceiptText("1715004", Format.AS_IS, true)).isEqualTo("1715004");
    assertThat(SmscMessageIds.ofReceiptText("1715004", Format.DECIMAL, false)).isEqualTo("1a2b3c");
    assertThat(SmscMessageIds.ofReceiptText("abc", Format.DECIMAL, false)).isEqualTo("abc");
    assertThat(SmscMessageIds.ofReceiptText("99999999999999999999999", Format.DECIMAL, false))
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
