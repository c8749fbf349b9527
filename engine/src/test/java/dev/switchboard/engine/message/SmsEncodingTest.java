package dev.switchboard.engine.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.switchboard.engine.message.SmsEncoding.Encoding;
import dev.switchboard.engine.message.SmsEncoding.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SmsEncodingTest {

  /** A Cyrillic letter: one UTF-16 unit, not in the GSM-7 alphabet. */
  private static final String ZHE = "ж";

  /** An emoji outside the BMP: a surrogate pair, two UTF-16 units. */
  private static final String GRINNING_FACE = "\uD83D\uDE00";

  @Test
  void emptyTextTakesNoSegments() {
    assertThat(SmsEncoding.analyse("")).isEqualTo(new Result(Encoding.GSM_7, 0, 0));
  }

  @Test
  void nullTextIsRejected() {
    assertThatNullPointerException().isThrownBy(() -> SmsEncoding.analyse(null));
  }

  @ParameterizedTest
  @CsvSource({"1, 1", "160, 1", "161, 2", "306, 2", "307, 3", "1530, 10", "1531, 11"})
  void plainAsciiIsGsm7WithOneSeptetPerCharacter(int length, int segments) {
    assertThat(SmsEncoding.analyse("a".repeat(length)))
        .isEqualTo(new Result(Encoding.GSM_7, length, segments));
  }

  @Test
  void everyCharacterOfTheBasicTableIsOneSeptet() {
    String basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    assertThat(basic).hasSize(127);
    assertThat(SmsEncoding.analyse(basic)).isEqualTo(new Result(Encoding.GSM_7, 127, 1));
  }

  @Test
  void everyCharacterOfTheExtensionTableIsTwoSeptets() {
    String extension = "^{}\\[~]|€\f";

    assertThat(SmsEncoding.analyse(extension)).isEqualTo(new Result(Encoding.GSM_7, 20, 1));
  }

  @Test
  void greekCapitalsOfTheTableStayGsm7() {
    assertThat(SmsEncoding.analyse("ΔΦΓΛΩΠΨΣΘΞ")).isEqualTo(new Result(Encoding.GSM_7, 10, 1));
  }

  @Test
  void eightyEuroSignsFillOneSegment() {
    assertThat(SmsEncoding.analyse("€".repeat(80))).isEqualTo(new Result(Encoding.GSM_7, 160, 1));
  }

  @Test
  void eightyOneEuroSignsTakeTwoSegments() {
    assertThat(SmsEncoding.analyse("€".repeat(81))).isEqualTo(new Result(Encoding.GSM_7, 162, 2));
  }

  @Test
  void escapePairThatDoesNotFitStartsTheNextSegment() {
    // 306 septets, which would fit in 2 × 153, but the € cannot straddle the first boundary:
    // 152 | € + 151 | 1.
    String text = "a".repeat(152) + "€" + "a".repeat(152);

    assertThat(SmsEncoding.analyse(text)).isEqualTo(new Result(Encoding.GSM_7, 306, 3));
  }

  @Test
  void escapePairsAreNeverSplit() {
    // 306 septets, but only 76 € (152 septets) fit in a segment of 153: 76 | 76 | 1.
    assertThat(SmsEncoding.analyse("€".repeat(153))).isEqualTo(new Result(Encoding.GSM_7, 306, 3));
  }

  @Test
  void lowercaseCCedillaIsNotGsm7() {
    // Only the uppercase Ç is in the basic table.
    assertThat(SmsEncoding.analyse("Ç").encoding()).isEqualTo(Encoding.GSM_7);
    assertThat(SmsEncoding.analyse("a".repeat(159) + "ç"))
        .isEqualTo(new Result(Encoding.UCS_2, 160, 3));
  }

  // backtick, Greek small alpha, Greek capital alpha (looks like A), the escape character itself
  @ParameterizedTest
  @ValueSource(strings = {"`", "α", "Α", "\u001B"})
  void oneCharacterOutsideTheTablesForcesUcs2(String character) {
    assertThat(SmsEncoding.analyse("Hello " + character))
        .isEqualTo(new Result(Encoding.UCS_2, 7, 1));
  }

  @ParameterizedTest
  @CsvSource({"1, 1", "70, 1", "71, 2", "134, 2", "135, 3"})
  void ucs2CountsUtf16Units(int length, int segments) {
    assertThat(SmsEncoding.analyse(ZHE.repeat(length)))
        .isEqualTo(new Result(Encoding.UCS_2, length, segments));
  }

  @Test
  void emojiCountsTwoUnits() {
    assertThat(SmsEncoding.analyse(GRINNING_FACE)).isEqualTo(new Result(Encoding.UCS_2, 2, 1));
    assertThat(SmsEncoding.analyse(GRINNING_FACE.repeat(35)))
        .isEqualTo(new Result(Encoding.UCS_2, 70, 1));
    assertThat(SmsEncoding.analyse(GRINNING_FACE.repeat(36)))
        .isEqualTo(new Result(Encoding.UCS_2, 72, 2));
  }

  @Test
  void surrogatePairThatDoesNotFitStartsTheNextSegment() {
    // 134 units, which would fit in 2 × 67, but the emoji cannot straddle the first boundary:
    // 66 | emoji + 65 | 1.
    String text = ZHE.repeat(66) + GRINNING_FACE + ZHE.repeat(66);

    assertThat(SmsEncoding.analyse(text)).isEqualTo(new Result(Encoding.UCS_2, 134, 3));
  }

  @Test
  void surrogatePairsAreNeverSplit() {
    // 134 units, but only 33 emoji (66 units) fit in a segment of 67: 33 | 33 | 1.
    assertThat(SmsEncoding.analyse(GRINNING_FACE.repeat(67)))
        .isEqualTo(new Result(Encoding.UCS_2, 134, 3));
  }

  @Test
  void encodingsHaveTheirApiLabels() {
    assertThat(Encoding.GSM_7.label()).isEqualTo("GSM-7");
    assertThat(Encoding.UCS_2.label()).isEqualTo("UCS-2");
  }

  @Test
  void maxSegmentsIsTen() {
    assertThat(SmsEncoding.MAX_SEGMENTS).isEqualTo(10);
  }
}
