package dev.switchboard.channels.messenger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.provider.SendOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SendErrorsTest {
  private static final SendErrors.Pauses PAUSES =
      new SendErrors.Pauses(Duration.ofSeconds(30), Duration.ofMinutes(15));

  private static String body(int code, int subcode, String message) {
    return "{\"error\":{\"message\":\""
        + message
        + "\",\"type\":\"OAuthException\",\"code\":"
        + code
        + (subcode == 0 ? "" : ",\"error_subcode\":" + subcode)
        + ",\"fbtrace_id\":\"BLBz/WZt8dN\"}}";
  }

  private static SendErrors.Classified classify(int status, int code, int subcode) {
    return SendErrors.classify(
        status, body(code, subcode, "text"), Optional.empty(), PAUSES, List.of());
  }

  @Test
  void temporaryFailuresAreRetriedWithTheirCode() {
    for (int code : new int[] {1200, 2, 1}) {
      SendErrors.Classified c = classify(400, code, 0);
      assertThat(c.outcome()).isInstanceOf(SendOutcome.TransientFailure.class);
      assertThat(((SendOutcome.TransientFailure) c.outcome()).code())
          .isEqualTo("messenger_" + code);
      assertThat(c.sessionLost()).isFalse();
    }
  }

  @Test
  void rateLimitsThrottleForTheConfiguredPauseOrMetasEstimate() {
    for (int[] codes : new int[][] {{4, 0}, {4, 2018022}, {613, 0}, {17, 0}, {32, 0}, {80001, 0}}) {
      SendErrors.Classified c = classify(400, codes[0], codes[1]);
      assertThat(c.outcome())
          .as("%d/%d", codes[0], codes[1])
          .isEqualTo(
              new SendOutcome.Throttled(
                  "messenger_" + codes[0] + (codes[1] == 0 ? "" : "_" + codes[1]),
                  Duration.ofSeconds(30)));
    }
    String usage =
        "{\"112233\":[{\"type\":\"messenger\",\"call_count\":100,\"estimated_time_to_regain_access\":0},"
            + "{\"type\":\"pages\",\"estimated_time_to_regain_access\":7}]}";
    SendErrors.Classified estimated =
        SendErrors.classify(400, body(613, 0, "limit"), Optional.of(usage), PAUSES, List.of());
    assertThat(((SendOutcome.Throttled) estimated.outcome()).pause())
        .isEqualTo(Duration.ofMinutes(7));
  }

  @Test
  void theBusinessUseCaseHeaderIsReadLeniently() {
    assertThat(SendErrors.regainAccess(Optional.of("not json"))).isEmpty();
    assertThat(SendErrors.regainAccess(Optional.of("{\"1\":[{\"call_count\":5}]}"))).isEmpty();
    assertThat(SendErrors.regainAccess(Optional.empty())).isEmpty();
  }

  @Test
  void theTwentyFourHourWindowIsPermanentWithItsOwnCodeAndTheMetaCodesInTheReason() {
    SendErrors.Classified c =
        SendErrors.classify(
            400,
            body(10, 2018278, "(#10) This message is sent outside of allowed window."),
            Optional.empty(),
            PAUSES,
            List.of());

    SendOutcome.PermanentFailure failure = (SendOutcome.PermanentFailure) c.outcome();
    assertThat(failure.code()).isEqualTo("messenger_outside_window");
    assertThat(failure.reason())
        .isEqualTo(
            "Meta error 10/2018278 (OAuthException): (#10) This message is sent outside of"
                + " allowed window.");
  }

  @Test
  void invalidParametersUnknownUsersAndUnavailablePeopleArePermanent() {
    assertThat(classify(400, 100, 0).outcome())
        .isEqualTo(
            new SendOutcome.PermanentFailure(
                "messenger_100", "Meta error 100 (OAuthException): text"));
    assertThat(((SendOutcome.PermanentFailure) classify(400, 100, 2018001).outcome()).code())
        .isEqualTo("messenger_100_2018001");
    assertThat(((SendOutcome.PermanentFailure) classify(400, 551, 1545041).outcome()).code())
        .isEqualTo("messenger_551_1545041");
  }

  @Test
  void tokenAndPermissionErrorsLoseTheSessionAndLeaveTheMessageToRetry() {
    for (int code : new int[] {190, 200, 230}) {
      SendErrors.Classified c = classify(400, code, 0);
      assertThat(c.sessionLost()).as("%d", code).isTrue();
      assertThat(c.outcome()).isInstanceOf(SendOutcome.TransientFailure.class);
    }
    assertThat(classify(400, 190, 463).outcome())
        .extracting(o -> ((SendOutcome.TransientFailure) o).code())
        .isEqualTo("messenger_190_463");
  }

  @Test
  void aRestrictedPagePausesTheInstance() {
    assertThat(classify(400, 10, 1893063).outcome())
        .isEqualTo(new SendOutcome.Throttled("messenger_10_1893063", Duration.ofMinutes(15)));
    assertThat(classify(400, 10, 1893063).sessionLost()).isFalse();
  }

  @Test
  void unknownCodesArePermanentUnlessMarkedTransientOrAServerError() {
    assertThat(classify(400, 12345, 0).outcome()).isInstanceOf(SendOutcome.PermanentFailure.class);
    assertThat(classify(503, 12345, 0).outcome()).isInstanceOf(SendOutcome.TransientFailure.class);
    String transientHint = "{\"error\":{\"message\":\"x\",\"code\":12345,\"is_transient\":true}}";
    assertThat(
            SendErrors.classify(400, transientHint, Optional.empty(), PAUSES, List.of()).outcome())
        .isInstanceOf(SendOutcome.TransientFailure.class);
  }

  @Test
  void answersWithoutAGraphErrorAreClassifiedByStatus() {
    assertThat(
            SendErrors.classify(
                    502, "<html>bad gateway</html>", Optional.empty(), PAUSES, List.of())
                .outcome())
        .isEqualTo(
            new SendOutcome.TransientFailure(
                "messenger_http_502",
                "the Send API answered HTTP 502 without a Graph error",
                null));
    assertThat(SendErrors.classify(429, "", Optional.empty(), PAUSES, List.of()).outcome())
        .isEqualTo(new SendOutcome.Throttled("messenger_http_429", null));
    assertThat(SendErrors.classify(404, "{}", Optional.empty(), PAUSES, List.of()).outcome())
        .isInstanceOf(SendOutcome.PermanentFailure.class);
  }

  @Test
  void aSecretInMetasMessageIsHidden() {
    SendErrors.Classified c =
        SendErrors.classify(
            400,
            body(100, 0, "bad token EAAsecret123 given"),
            Optional.empty(),
            PAUSES,
            List.of("EAAsecret123"));

    assertThat(((SendOutcome.PermanentFailure) c.outcome()).reason())
        .doesNotContain("EAAsecret123")
        .contains("***");
  }
}
