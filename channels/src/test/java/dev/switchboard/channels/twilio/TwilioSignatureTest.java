package dev.switchboard.channels.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TwilioSignatureTest {
  // PROVIDERS.md §3, from twilio-java's RequestValidatorTest.
  private static final String TOKEN = "12345";
  private static final String URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
  private static final String EXPECTED = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

  private static Map<String, List<String>> vectorParams() {
    Map<String, List<String>> params = new LinkedHashMap<>();
    params.put("Digits", List.of("1234"));
    params.put("CallSid", List.of("CA1234567890ABCDE"));
    params.put("To", List.of("+18005551212"));
    params.put("Caller", List.of("+14158675309"));
    params.put("From", List.of("+14158675309"));
    return params;
  }

  @Test
  void thePublishedTestVectorSignsAndValidates() {
    assertThat(TwilioSignature.sign(TOKEN, URL, vectorParams())).isEqualTo(EXPECTED);
    assertThat(TwilioSignature.valid(TOKEN, URL, vectorParams(), EXPECTED)).isTrue();
  }

  @Test
  void aChangedParameterUrlOrTokenDoesNotValidate() {
    Map<String, List<String>> tampered = vectorParams();
    tampered.put("To", List.of("+18005551213"));
    Map<String, List<String>> added = vectorParams();
    added.put("Extra", List.of(""));

    assertThat(TwilioSignature.valid(TOKEN, URL, tampered, EXPECTED)).isFalse();
    assertThat(TwilioSignature.valid(TOKEN, URL, added, EXPECTED)).isFalse();
    assertThat(TwilioSignature.valid(TOKEN, URL + "&baz=3", vectorParams(), EXPECTED)).isFalse();
    assertThat(TwilioSignature.valid("54321", URL, vectorParams(), EXPECTED)).isFalse();
    assertThat(TwilioSignature.valid(TOKEN, URL, vectorParams(), "")).isFalse();
    assertThat(TwilioSignature.valid(TOKEN, URL, vectorParams(), null)).isFalse();
    assertThat(TwilioSignature.valid(TOKEN, URL, vectorParams(), EXPECTED.toLowerCase())).isFalse();
  }

  @Test
  void aSignatureOverTheUrlWithOrWithoutTheDefaultPortValidatesEitherWay() {
    String withPort = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
    String signedWithPort = TwilioSignature.sign(TOKEN, withPort, vectorParams());

    assertThat(TwilioSignature.valid(TOKEN, URL, vectorParams(), signedWithPort)).isTrue();
    assertThat(TwilioSignature.valid(TOKEN, withPort, vectorParams(), EXPECTED)).isTrue();
    assertThat(TwilioSignature.urlVariants("http://h.example/a?b=1"))
        .containsExactly("http://h.example/a?b=1", "http://h.example:80/a?b=1");
    // Another port is part of the URL: only that URL matches.
    assertThat(TwilioSignature.urlVariants("http://127.0.0.1:8080/a"))
        .containsExactly("http://127.0.0.1:8080/a");
  }

  @Test
  void aRepeatedParameterContributesEveryValueInOrder() {
    Map<String, List<String>> params = new LinkedHashMap<>();
    params.put("MediaUrl", List.of("b", "a"));
    Map<String, List<String>> single = new LinkedHashMap<>();
    single.put("MediaUrl", List.of("aMediaUrlb"));

    // "MediaUrl" + "a" + "MediaUrl" + "b" is the same data as "MediaUrl" + "aMediaUrlb".
    assertThat(TwilioSignature.sign(TOKEN, URL, params))
        .isEqualTo(TwilioSignature.sign(TOKEN, URL, single));
  }
}
