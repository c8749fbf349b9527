package dev.switchboard.testkit.smsc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MoSegmenterTest {

  @Test
  void gsm7FitsOneSegmentUpTo160Septets() {
    MoSegmenter.Segments s = MoSegmenter.split("x".repeat(160), 7);
    assertThat(s.dataCoding()).isEqualTo(MoSegmenter.DCS_GSM7);
    assertThat(s.udhi()).isFalse();
    assertThat(s.parts()).singleElement().satisfies(p -> assertThat(p).hasSize(160));
  }

  @Test
  void extensionCharactersCostTwoSeptets() {
    assertThat(MoSegmenter.split("\u20AC".repeat(80), 1).parts()).hasSize(1);
    assertThat(MoSegmenter.split("\u20AC".repeat(81), 1).parts()).hasSize(2);
  }

  @Test
  void longGsm7IsCutAt153SeptetsBehindAUdh() {
    MoSegmenter.Segments s = MoSegmenter.split("y".repeat(161), 0x1FF);
    assertThat(s.udhi()).isTrue();
    assertThat(s.parts()).hasSize(2);
    assertThat(s.parts().get(0)).hasSize(6 + 153).startsWith(0x05, 0x00, 0x03, 0xFF, 2, 1);
    assertThat(s.parts().get(1)).hasSize(6 + 8).startsWith(0x05, 0x00, 0x03, 0xFF, 2, 2);
  }

  @Test
  void anythingOutsideGsm7MakesTheWholeTextUcs2() {
    assertThat(MoSegmenter.split("caf\u00E7", 1).dataCoding()).isEqualTo(MoSegmenter.DCS_UCS2);
    assertThat(MoSegmenter.split("`", 1).dataCoding()).isEqualTo(MoSegmenter.DCS_UCS2);
    assertThat(MoSegmenter.split("{[~]}|^\\\f", 1).dataCoding()).isEqualTo(MoSegmenter.DCS_GSM7);
  }

  @Test
  void ucs2IsCutAt67UnitsWithoutSplittingASurrogatePair() {
    assertThat(MoSegmenter.split("\u00E7".repeat(70), 1).parts()).hasSize(1);
    String text = "\u00E7".repeat(66) + "\uD83D\uDE00" + "\u00E7".repeat(4);
    MoSegmenter.Segments s = MoSegmenter.split(text, 1);
    assertThat(s.parts()).hasSize(2);
    assertThat(s.parts().get(0)).hasSize(6 + 66 * 2);
    assertThat(s.parts().get(1)).hasSize(6 + 6 * 2);
  }

  @Test
  void moreThan255PartsAreRefused() {
    assertThatThrownBy(() -> MoSegmenter.split("z".repeat(153 * 255 + 1), 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decodingGivesTheTextBack() {
    String text = "@\u00A3$ Hello \u20AC{}\u00E0\u0394";
    byte[] septets = MoSegmenter.split(text, 1).parts().get(0);
    assertThat(Gsm7.decode(septets)).isEqualTo(text);
  }
}
