package dev.switchboard.channels.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MoDecoderTest {

  @Test
  void gsm7WithoutUdh() {
    MoPart part = MoDecoder.decode((byte) 0, (byte) 0, Gsm7.encode("Hi €"), null);
    assertThat(part).isEqualTo(new MoPart("Hi €", null));
  }

  @Test
  void ucs2WithAnEightBitConcatenationHeader() {
    byte[] body = "жы".getBytes(StandardCharsets.UTF_16BE);
    byte[] sm = concat(new byte[] {5, 0, 3, 42, 3, 2}, body);
    MoPart part = MoDecoder.decode((byte) 8, (byte) 0x40, sm, null);
    assertThat(part).isEqualTo(new MoPart("жы", new MoPart.Concat(42, 3, 2)));
  }

  @Test
  void sixteenBitReferenceAndOtherElementsSkipped() {
    // A port-addressing IE (0x05) before the 16-bit concatenation IE.
    byte[] udh = {12, 5, 4, 0x0B, (byte) 0x84, 0x23, (byte) 0xF0, 8, 4, 0x12, 0x34, 2, 1};
    MoPart part = MoDecoder.decode((byte) 0, (byte) 0x40, concat(udh, Gsm7.encode("ok")), null);
    assertThat(part).isEqualTo(new MoPart("ok", new MoPart.Concat(0x1234, 2, 1)));
  }

  @Test
  void udhWithoutConcatenationIsAWholeMessage() {
    byte[] udh = {4, 5, 2, 0x0B, (byte) 0x84};
    assertThat(MoDecoder.decode((byte) 0, (byte) 0x40, concat(udh, Gsm7.encode("x")), null))
        .isEqualTo(new MoPart("x", null));
  }

  @Test
  void messagePayloadIsUsedWhenShortMessageIsEmpty() {
    byte[] payload = "long text".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(MoDecoder.decode((byte) 3, (byte) 0, new byte[0], payload).text())
        .isEqualTo("long text");
  }

  @Test
  void latin1AsciiAndUnknownCodings() {
    byte[] latin = "café".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(MoDecoder.decode((byte) 3, (byte) 0, latin, null).text()).isEqualTo("café");
    assertThat(
            MoDecoder.decode((byte) 1, (byte) 0, "abc".getBytes(StandardCharsets.US_ASCII), null)
                .text())
        .isEqualTo("abc");
    assertThat(MoDecoder.decode((byte) 0x04, (byte) 0, latin, null).text()).isEqualTo("café");
    byte[] ucs2 = "ж".getBytes(StandardCharsets.UTF_16BE);
    assertThat(MoDecoder.decode((byte) 0x18, (byte) 0, ucs2, null).text()).isEqualTo("ж");
  }

  @Test
  void aUdhLongerThanTheMessageIsRefused() {
    assertThatThrownBy(() -> MoDecoder.decode((byte) 0, (byte) 0x40, new byte[] {9, 0, 3}, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
