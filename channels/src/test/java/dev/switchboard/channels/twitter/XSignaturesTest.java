package dev.switchboard.channels.twitter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class XSignaturesTest {
  // X's own published example (developer.x.com, "securing webhooks"); the expected values were
  // computed apart from this code, with Python's hmac and base64 modules.
  private static final String SECRET = "z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu";
  private static final String CRC_TOKEN = "9b4507b3-9040-4669-9ca3-6b94edb50553";
  private static final String BODY =
      "{\"for_user_id\":\"2244994945\",\"direct_message_events\":[]}";

  @Test
  void theCrcAnswerIsTheBase64HmacOfTheTokenUnderTheConsumerSecret() {
    assertThat(XSignatures.crcResponseToken(SECRET, CRC_TOKEN))
        .isEqualTo("sha256=Cytd4Sq+NvEcV3MMrXxWJGJx5A+y/lXzzU2Maartkx8=");
  }

  @Test
  void anEventBodySignedWithTheConsumerSecretVerifies() {
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);

    assertThat(
            XSignatures.verify(SECRET, body, "sha256=86bJAS/cEdBTs+FcCm8DsTQRVvlvYbXFT68WGLH+ooI="))
        .isTrue();
  }

  @Test
  void aMissingWrongOrOtherwiseKeyedSignatureDoesNot() {
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    byte[] tampered = BODY.replace("[]", "[{}]").getBytes(StandardCharsets.UTF_8);
    String good = XSignatures.sign(SECRET, body);

    assertThat(XSignatures.verify(SECRET, body, null)).isFalse();
    assertThat(XSignatures.verify(SECRET, body, "")).isFalse();
    assertThat(XSignatures.verify(SECRET, tampered, good)).isFalse();
    assertThat(XSignatures.verify("another-secret", body, good)).isFalse();
    assertThat(XSignatures.verify(SECRET, body, good.substring("sha256=".length()))).isFalse();
  }

  @Test
  void aCrcTokenThatCouldBeAnEventBodyIsNotSigned() {
    assertThat(XSignatures.acceptableCrcToken(CRC_TOKEN)).isTrue();
    assertThat(XSignatures.acceptableCrcToken("NjIzNjYxMzc1ODk2OTc5MjEy+/=")).isTrue();
    assertThat(XSignatures.acceptableCrcToken(BODY)).isFalse();
    assertThat(XSignatures.acceptableCrcToken("")).isFalse();
    assertThat(XSignatures.acceptableCrcToken("x".repeat(257))).isFalse();
  }
}
