package dev.switchboard.channels.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.engine.provider.SendOutcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TwilioErrorsTest {

  private static TwilioErrors.Classified classify(int status, Integer code) {
    return TwilioErrors.classify(
        status, new TwilioErrors.ErrorBody(code, code == null ? null : "msg " + code), null);
  }

  @Test
  void tooManyRequestsThrottlesWithTheHintWhenThereIsOne() {
    TwilioErrors.Classified c =
        TwilioErrors.classify(
            429, new TwilioErrors.ErrorBody(20429, "Too Many Requests"), Duration.ofSeconds(2));

    assertThat(c.outcome())
        .isEqualTo(new SendOutcome.Throttled("twilio_20429", Duration.ofSeconds(2)));
    assertThat(c.sessionLost()).isFalse();
    assertThat(classify(429, null).outcome()).isInstanceOf(SendOutcome.Throttled.class);
  }

  @Test
  void serverErrorsAndAFullSenderQueueAreRetried() {
    assertThat(classify(500, 20500).outcome())
        .isEqualTo(
            new SendOutcome.TransientFailure("twilio_20500", "twilio 20500: msg 20500", null));
    assertThat(classify(503, null).outcome())
        .isEqualTo(
            new SendOutcome.TransientFailure("twilio_http_503", "twilio answered HTTP 503", null));
    assertThat(classify(400, 21611).outcome()).isInstanceOf(SendOutcome.TransientFailure.class);
    assertThat(classify(500, 20500).sessionLost()).isFalse();
  }

  @Test
  void refusalsOfTheMessageArePermanentWithTheirCode() {
    for (int code : new int[] {21211, 21608, 21614, 21617, 21612}) {
      TwilioErrors.Classified c = classify(400, code);
      assertThat(c.outcome())
          .as("%d", code)
          .isEqualTo(
              new SendOutcome.PermanentFailure(
                  "twilio_" + code, "twilio " + code + ": msg " + code));
      assertThat(c.sessionLost()).isFalse();
    }
    assertThat(classify(400, null).outcome())
        .isEqualTo(new SendOutcome.PermanentFailure("twilio_http_400", "twilio answered HTTP 400"));
  }

  @Test
  void anUnsubscribedRecipientIsOptedOut() {
    assertThat(classify(400, 21610).outcome())
        .isEqualTo(
            new SendOutcome.PermanentFailure("recipient_opted_out", "twilio 21610: msg 21610"));
  }

  @Test
  void rejectedCredentialsOrAnUnknownAccountFailTheAttemptAndLoseTheSession() {
    for (TwilioErrors.Classified c :
        new TwilioErrors.Classified[] {
          classify(401, 20003), classify(401, null), classify(404, 20404)
        }) {
      assertThat(c.outcome()).isInstanceOf(SendOutcome.TransientFailure.class);
      assertThat(c.sessionLost()).isTrue();
    }
    assertThat(((SendOutcome.TransientFailure) classify(401, 20003).outcome()).code())
        .isEqualTo("twilio_20003");
  }

  @Test
  void aLongMessageIsCutAndABodyOtherThanJsonIsNoCode() {
    String reason = TwilioErrors.reason(400, new TwilioErrors.ErrorBody(21211, "x".repeat(1000)));
    assertThat(reason).hasSizeLessThan(320).startsWith("twilio 21211: xxx").endsWith("...");
    assertThat(TwilioResponses.error("<html>bad gateway</html>"))
        .isEqualTo(TwilioErrors.ErrorBody.NONE);
    assertThat(
            TwilioResponses.error(
                "{\"code\":21211,\"message\":\"The 'To' number 5551234567 is not a valid phone"
                    + " number.\",\"more_info\":\"https://www.twilio.com/docs/errors/21211\","
                    + "\"status\":400}"))
        .isEqualTo(
            new TwilioErrors.ErrorBody(
                21211, "The 'To' number 5551234567 is not a valid phone number."));
  }
}
