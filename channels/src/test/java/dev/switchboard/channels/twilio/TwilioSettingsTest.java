package dev.switchboard.channels.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class TwilioSettingsTest {
  private static final String TOKEN = "tok-9f8e7d6c5b4a";

  private static Config instance(String hocon) {
    return ConfigFactory.parseString(
        "account-sid = AC0123, auth-token = \"" + TOKEN + "\", " + hocon);
  }

  private static Config root(String publicUrl) {
    return ConfigFactory.parseString("switchboard.http.public-url = \"" + publicUrl + "\"")
        .withFallback(ConfigFactory.defaultReference());
  }

  @Test
  void theDefaultsAreTwiliosApiAndTheStatusCallbackFollowsThePublicUrl() {
    TwilioSettings s =
        TwilioSettings.create(
            instance("from = \"+15005550006\""), root("https://sb.example.com/"), "sms");

    assertThat(s.baseUrl()).isEqualTo("https://api.twilio.com");
    assertThat(s.messagesUri().toString())
        .isEqualTo("https://api.twilio.com/2010-04-01/Accounts/AC0123/Messages.json");
    assertThat(s.accountUri().toString())
        .isEqualTo("https://api.twilio.com/2010-04-01/Accounts/AC0123.json");
    assertThat(s.statusCallback())
        .isEqualTo("https://sb.example.com/v1/channels/sms/twilio/status");
    assertThat(s.from()).isEqualTo("+15005550006");
    assertThat(s.account()).isEqualTo("default");
    assertThat(s.verifyCredentials()).isTrue();
    assertThat(s.peer()).isEqualTo("api.twilio.com");
  }

  @Test
  void anOwnStatusCallbackWinsAndWithoutAPublicUrlThereIsNone() {
    assertThat(
            TwilioSettings.create(
                    instance("status-callback = \"https://hooks.example.com/s\""),
                    root("https://sb.example.com"),
                    "sms")
                .statusCallback())
        .isEqualTo("https://hooks.example.com/s");
    assertThat(TwilioSettings.create(instance(""), root(""), "sms").statusCallback()).isEmpty();
    assertThat(
            TwilioSettings.create(
                    instance("endpoint-segment = twilio-b"), root("http://h:8080"), "sms")
                .statusCallback())
        .isEqualTo("http://h:8080/v1/channels/sms/twilio-b/status");
  }

  @Test
  void theTokenIsNeverShownAndThePeerIsTheHostOnly() {
    TwilioSettings s =
        TwilioSettings.create(instance("base-url = \"http://127.0.0.1:8089/\""), root(""), "sms");

    assertThat(s.toString()).doesNotContain(TOKEN).doesNotContain("AC0123");
    assertThat(s.peer()).isEqualTo("127.0.0.1:8089");
    assertThat(s.baseUrl()).isEqualTo("http://127.0.0.1:8089");
  }

  @Test
  void missingOrUnsafeSettingsFailLoudlyWithoutShowingTheToken() {
    assertThatThrownBy(
            () ->
                TwilioSettings.create(
                    ConfigFactory.parseString("auth-token = \"" + TOKEN + "\""), root(""), "sms"))
        .hasMessageContaining("account-sid");
    assertThatThrownBy(
            () ->
                TwilioSettings.create(
                    ConfigFactory.parseString("account-sid = AC1"), root(""), "sms"))
        .hasMessageContaining("auth-token");
    assertThatThrownBy(
            () -> TwilioSettings.create(instance("base-url = \"ftp://x\""), root(""), "sms"))
        .hasMessageContaining("http");
    assertThatThrownBy(
            () ->
                TwilioSettings.create(
                    instance("base-url = \"https://u:" + TOKEN + "@x\""), root(""), "sms"))
        .hasMessageNotContaining(TOKEN);
    assertThatThrownBy(
            () -> TwilioSettings.create(instance("account-sid = \"AC/../x\""), root(""), "sms"))
        .hasMessageContaining("letters and digits");
  }
}
