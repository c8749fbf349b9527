package dev.switchboard.engine.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SignatureTest {
  // printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
  private static final String OPENSSL_VECTOR =
      "49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686";

  @Test
  void headerSignsTimestampDotBodyWithHmacSha256InLowercaseHex() {
    assertThat(Signature.header("secret", 1_700_000_000L, "{\"a\":1}"))
        .isEqualTo("t=1700000000,v1=" + OPENSSL_VECTOR);
  }

  @Test
  void anotherTimestampIsAnotherSignature() {
    assertThat(Signature.header("secret", 1_700_000_001L, "{\"a\":1}"))
        .doesNotContain(OPENSSL_VECTOR);
  }
}
