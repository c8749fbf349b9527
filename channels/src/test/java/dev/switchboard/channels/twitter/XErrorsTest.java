package dev.switchboard.channels.twitter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.provider.SendOutcome;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class XErrorsTest {
  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
  private static final Duration MARGIN = Duration.ofSeconds(1);
  private static final Duration CAP_RETRY = Duration.ofHours(1);

  private static SendOutcome classify(int status, String body, Instant reset) {
    return XErrors.classify(status, XErrors.parse(body), reset, NOW, MARGIN, CAP_RETRY);
  }

  @Test
  void anInvalidRequestIsPermanentWithXsWords() {
    SendOutcome outcome =
        classify(
            400,
            "{\"title\":\"Invalid Request\",\"detail\":\"One or more parameters to your request was"
                + " invalid.\",\"type\":\"https://api.twitter.com/2/problems/invalid-request\"}",
            null);

    assertThat(outcome)
        .isEqualTo(
            new SendOutcome.PermanentFailure(
                "twitter_400",
                "Invalid Request: One or more parameters to your request was invalid."));
  }

  @Test
  void aForbiddenDmIsPermanentWithItsCodeInEitherShape() {
    SendOutcome problem =
        classify(
            403,
            "{\"title\":\"Forbidden\",\"detail\":\"You are not permitted to send a message to this"
                + " user.\",\"type\":\"about:blank\",\"status\":403}",
            null);
    SendOutcome legacy =
        classify(
            403,
            "{\"errors\":[{\"code\":349,\"message\":\"You cannot send messages to this user.\"}]}",
            null);

    assertThat(problem).isInstanceOf(SendOutcome.PermanentFailure.class);
    assertThat(((SendOutcome.PermanentFailure) problem).code()).isEqualTo("twitter_403");
    assertThat(((SendOutcome.PermanentFailure) problem).reason())
        .isEqualTo("Forbidden: You are not permitted to send a message to this user.");
    assertThat(legacy)
        .isEqualTo(
            new SendOutcome.PermanentFailure(
                "twitter_403", "X error 349: You cannot send messages to this user."));
  }

  @Test
  void aRateLimitWaitsUntilTheResetTimeAndAUsageCapUntilItsOwnOrAnHour() {
    SendOutcome limited =
        classify(
            429,
            "{\"title\":\"Too Many Requests\",\"detail\":\"Too Many Requests\",\"type\":\"about:blank\"}",
            NOW.plusSeconds(90));
    SendOutcome legacy =
        classify(429, "{\"errors\":[{\"code\":88,\"message\":\"Rate limit exceeded\"}]}", null);
    String cap =
        "{\"title\":\"UsageCapExceeded\",\"detail\":\"Usage cap exceeded: Monthly product cap\","
            + "\"type\":\"https://api.twitter.com/2/problems/usage-capped\",\"period\":\"Monthly\"}";

    assertThat(limited).isEqualTo(new SendOutcome.Throttled("twitter_429", Duration.ofSeconds(91)));
    assertThat(legacy).isEqualTo(new SendOutcome.Throttled("twitter_429", null));
    assertThat(classify(429, cap, NOW.plusSeconds(600)))
        .isEqualTo(new SendOutcome.Throttled("twitter_usage_capped", Duration.ofSeconds(601)));
    assertThat(classify(429, cap, null))
        .isEqualTo(new SendOutcome.Throttled("twitter_usage_capped", CAP_RETRY));
    // X's reset already behind our clock: the cap is about to end, not an hour away.
    assertThat(classify(429, cap, NOW.minusSeconds(1)))
        .isEqualTo(new SendOutcome.Throttled("twitter_usage_capped", Duration.ofSeconds(1)));
    assertThat(classify(429, "", NOW))
        .isEqualTo(new SendOutcome.Throttled("twitter_429", Duration.ofSeconds(1)));
  }

  @Test
  void serverErrorsAreTransientAndOtherClientErrorsPermanent() {
    for (int status : new int[] {500, 502, 503, 504, 408}) {
      assertThat(classify(status, "", null))
          .as("%d", status)
          .isEqualTo(
              new SendOutcome.TransientFailure(
                  "twitter_" + status, "X answered HTTP " + status, null));
    }
    assertThat(classify(404, "not json", null))
        .isEqualTo(new SendOutcome.PermanentFailure("twitter_404", "X answered HTTP 404"));
  }

  @Test
  void aReasonIsBoundedAndCarriesNoCredential() {
    String body =
        "{\"title\":\"Forbidden\",\"detail\":\"see https://u:p@x.example/?token=abc "
            + "y".repeat(400)
            + "\"}";

    String reason = ((SendOutcome.PermanentFailure) classify(403, body, null)).reason();

    assertThat(reason).hasSizeLessThanOrEqualTo(303).doesNotContain("u:p@", "token=abc");
  }
}
