package dev.switchboard.channels.messenger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HubSignatureTest {
  // Computed independently: printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'meta-app-secret'
  private static final byte[] BODY =
      "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"time\":1,\"messaging\":[]}]}"
          .getBytes(StandardCharsets.UTF_8);
  private static final String EXPECTED =
      "sha256=8b066e71153226fc56d05d41e04f9213664609ed7d25e1a04fdd6dbd013d8281";

  @Test
  void theSignatureIsTheHexHmacSha256OfTheRawBodyUnderTheAppSecret() {
    assertThat(HubSignature.sign("meta-app-secret", BODY)).isEqualTo(EXPECTED);
    assertThat(HubSignature.matches("meta-app-secret", BODY, EXPECTED)).isTrue();
    assertThat(
            HubSignature.matches(
                "meta-app-secret", BODY, EXPECTED.toUpperCase().replace("SHA256=", "sha256=")))
        .isTrue();
  }

  @Test
  void anyOtherKeyBodyOrFormDoesNotMatch() {
    assertThat(HubSignature.matches("other-secret", BODY, EXPECTED)).isFalse();
    byte[] reserialised =
        "{\"object\": \"page\",\"entry\":[{\"id\":\"1\",\"time\":1,\"messaging\":[]}]}"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(HubSignature.matches("meta-app-secret", reserialised, EXPECTED)).isFalse();
    assertThat(HubSignature.matches("meta-app-secret", BODY, EXPECTED.substring(7))).isFalse();
    assertThat(HubSignature.matches("meta-app-secret", BODY, null)).isFalse();
    assertThat(HubSignature.matches("", BODY, EXPECTED)).isFalse();
  }

  @Test
  void verifyTokensCompareWhole() {
    assertThat(HubSignature.sameSecret("verify-1", "verify-1")).isTrue();
    assertThat(HubSignature.sameSecret("verify-1", "verify-")).isFalse();
    assertThat(HubSignature.sameSecret("verify-1", null)).isFalse();
    assertThat(HubSignature.sameSecret("", "")).isFalse();
  }
}
