package dev.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void aWellFormedUriKeepsItsHostAndLosesItsCredentials() {
    assertThat(Redaction.uri("amqp://guest:s3cret@rabbit.example:5672/vh"))
        .isEqualTo("amqp://***@rabbit.example:5672/vh");
    assertThat(Redaction.uri("amqp://rabbit.example:5672")).isEqualTo("amqp://rabbit.example:5672");
  }

  @Test
  void aMalformedUriLosesEverythingBeforeItsLastAt() {
    assertThat(Redaction.uri("amqp://guest:s3/cr et@host:5672/"))
        .isEqualTo("amqp://***@host:5672/");
    assertThat(Redaction.uri("amqp://guest:s3@cr%zzet@host/"))
        .doesNotContain("s3")
        .contains("host");
  }

  @Test
  void textHidesUriCredentialsAndCredentialParameters() {
    String message =
        "Illegal character in authority at index 18: amqp://guest:s3/cr3t@host:5672/ and"
            + " jdbc:postgresql://db/app?user=app&password=hunter2;H2 PASSWORD=x1 token=abc";

    String redacted = Redaction.text(message);

    assertThat(redacted)
        .doesNotContain("s3/cr3t")
        .doesNotContain("hunter2")
        .doesNotContain("x1")
        .doesNotContain("abc")
        .contains("amqp://***@host:5672/")
        .contains("user=app");
  }

  @Test
  void knownSecretsAreHiddenWhereverTheyAppear() {
    String uri = "amqp://guest:pa ss@host:5672/";
    String message = "Illegal character in authority at index 15: " + uri;

    assertThat(Redaction.text(message, List.of(uri))).doesNotContain("pa ss").contains("host");
    assertThat(Redaction.text("bind refused for sw0rd", List.of("sw0rd")))
        .isEqualTo("bind refused for ***");
  }
}
