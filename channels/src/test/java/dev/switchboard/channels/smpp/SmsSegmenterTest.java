package dev.switchboard.channels.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.message.SmsEncoding;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SmsSegmenterTest {

  @Test
  void singleGsmSegmentHasNoUdh() {
    EncodedSms sms = SmsSegmenter.segment("a".repeat(160), 7);
    assertThat(sms.dataCoding()).isEqualTo(EncodedSms.GSM_7);
    assertThat(sms.udhi()).isFalse();
    assertThat(sms.parts()).hasSize(1);
    assertThat(sms.parts().get(0)).hasSize(160);
  }

  @Test
  void singleUcs2SegmentIsUtf16BigEndian() {
    EncodedSms sms = SmsSegmenter.segment("hi 😀", 7);
    assertThat(sms.dataCoding()).isEqualTo(EncodedSms.UCS_2);
    assertThat(sms.udhi()).isFalse();
    assertThat(sms.parts().get(0)).containsExactly(0, 'h', 0, 'i', 0, ' ', 0xD8, 0x3D, 0xDE, 0x00);
  }

  @Test
  void multipartGsmCarriesUdhAndAtMost153Septets() {
    EncodedSms sms = SmsSegmenter.segment("b".repeat(161), 0xAB);
    assertThat(sms.udhi()).isTrue();
    assertThat(sms.parts()).hasSize(2);
    assertThat(Arrays.copyOf(sms.parts().get(0), 6)).containsExactly(5, 0, 3, 0xAB, 2, 1);
    assertThat(Arrays.copyOf(sms.parts().get(1), 6)).containsExactly(5, 0, 3, 0xAB, 2, 2);
    assertThat(sms.parts().get(0)).hasSize(6 + 153);
    assertThat(sms.parts().get(1)).hasSize(6 + 8);
  }

  @Test
  void anEscapePairAtTheBoundaryMovesWhole() {
    String text = "a".repeat(152) + "€" + "a".repeat(10);
    EncodedSms sms = SmsSegmenter.segment(text, 1);
    assertThat(sms.parts().get(0)).hasSize(6 + 152);
    byte[] second = sms.parts().get(1);
    assertThat(second[6]).isEqualTo((byte) 0x1B);
    assertThat(second[7]).isEqualTo((byte) 0x65);
    assertThat(reassemble(sms)).isEqualTo(text);
  }

  @Test
  void aSurrogatePairAtTheBoundaryMovesWhole() {
    String text = "ж".repeat(66) + "😀" + "ж".repeat(10);
    EncodedSms sms = SmsSegmenter.segment(text, 1);
    assertThat(sms.parts().get(0)).hasSize(6 + 66 * 2);
    assertThat(sms.parts().get(1)[6]).isEqualTo((byte) 0xD8);
    assertThat(reassemble(sms)).isEqualTo(text);
  }

  @Test
  void segmentsAndEncodingAgreeWithSmsEncodingOverManyTexts() {
    List<String> texts = new ArrayList<>();
    for (int n :
        new int[] {1, 69, 70, 71, 134, 135, 152, 153, 154, 159, 160, 161, 306, 307, 1530}) {
      texts.add("x".repeat(n));
      texts.add("ы".repeat(n));
      texts.add("x".repeat(Math.max(0, n - 1)) + "€");
      texts.add("€".repeat(n / 2 + 1));
      texts.add("y".repeat(Math.max(0, n - 1)) + "😀" + "y");
      texts.add("ы".repeat(Math.max(0, n - 1)) + "😀");
      texts.add("😀".repeat(n / 2 + 1));
      texts.add("[" + "z".repeat(n) + "]");
    }
    Random random = new Random(42);
    String alphabet = "ab €{}[]~|^\\\fÅΔ😀жé";
    for (int i = 0; i < 2000; i++) {
      StringBuilder s = new StringBuilder();
      int length = 1 + random.nextInt(700);
      boolean gsmOnly = random.nextBoolean();
      while (s.length() < length) {
        int k = random.nextInt(alphabet.length());
        char c = alphabet.charAt(k);
        if (Character.isSurrogate(c)) {
          if (!gsmOnly) {
            s.append("😀");
          }
        } else if (!gsmOnly || Gsm7.septets(c) > 0) {
          s.append(c);
        }
      }
      texts.add(s.toString());
    }
    for (String text : texts) {
      SmsEncoding.Result expected = SmsEncoding.analyse(text);
      EncodedSms sms = SmsSegmenter.segment(text, 9);
      assertThat(sms.parts()).as(text).hasSize(expected.segments());
      assertThat(SmsSegmenter.count(text)).as(text).isEqualTo(expected.segments());
      assertThat(sms.dataCoding())
          .as(text)
          .isEqualTo(
              expected.encoding() == SmsEncoding.Encoding.GSM_7
                  ? EncodedSms.GSM_7
                  : EncodedSms.UCS_2);
      assertThat(reassemble(sms)).as(text).isEqualTo(text);
      int limit = sms.dataCoding() == EncodedSms.GSM_7 ? 153 : 134;
      if (sms.udhi()) {
        sms.parts().forEach(p -> assertThat(p.length - 6).isLessThanOrEqualTo(limit));
      }
    }
  }

  /**
   * Decodes the parts back with the MO decoder, so both directions are checked against each other.
   */
  private static String reassemble(EncodedSms sms) {
    StringBuilder text = new StringBuilder();
    byte esm = sms.udhi() ? EncodedSms.ESM_UDHI : 0;
    int seq = 1;
    for (byte[] part : sms.parts()) {
      MoPart decoded = MoDecoder.decode(sms.dataCoding(), esm, part, null);
      if (sms.udhi()) {
        assertThat(decoded.concat())
            .isEqualTo(new MoPart.Concat(sms.parts().get(0)[3] & 0xFF, sms.segments(), seq++));
      }
      text.append(decoded.text());
    }
    return text.toString();
  }

  @Test
  void ucs2BodiesAreUtf16() {
    assertThat(new String(SmsSegmenter.segment("жж", 0).parts().get(0), StandardCharsets.UTF_16BE))
        .isEqualTo("жж");
  }
}
