package dev.switchboard.channels.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Gsm7Test {

  @Test
  void basicCharactersAreOneSeptetEach() {
    assertThat(Gsm7.encode("@A a£\nΔ")).containsExactly(0x00, 0x41, 0x20, 0x61, 0x01, 0x0A, 0x10);
  }

  @Test
  void extensionCharactersAreEscapePairs() {
    assertThat(Gsm7.encode("\f^{}\\[~]|€"))
        .containsExactly(
            0x1B, 0x0A, 0x1B, 0x14, 0x1B, 0x28, 0x1B, 0x29, 0x1B, 0x2F, 0x1B, 0x3C, 0x1B, 0x3D,
            0x1B, 0x3E, 0x1B, 0x40, 0x1B, 0x65);
  }

  @Test
  void everyEncodableCharacterRoundTrips() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x2100; c++) {
      if (Gsm7.septets(c) > 0) {
        all.append(c);
      }
    }
    assertThat(all).hasSize(127 + 10);
    assertThat(Gsm7.decode(Gsm7.encode(all.toString()))).isEqualTo(all.toString());
  }

  @Test
  void canEncodeOnlyGsmText() {
    assertThat(Gsm7.canEncode("Hello {world} €5")).isTrue();
    assertThat(Gsm7.canEncode("ç")).isFalse();
    assertThat(Gsm7.canEncode("hi 😀")).isFalse();
    assertThat(Gsm7.canEncode("\u001B")).isFalse();
    assertThat(Gsm7.canEncode("\uFFFF")).isFalse();
    assertThatThrownBy(() -> Gsm7.encode("ç")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decodeToleratesUnknownEscapesAndATrailingEscape() {
    assertThat(Gsm7.decode(new byte[] {0x41, 0x1B, 0x41, 0x42, 0x1B})).isEqualTo("AAB");
  }
}
