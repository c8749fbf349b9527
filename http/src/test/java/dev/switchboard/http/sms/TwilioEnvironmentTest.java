package dev.switchboard.http.sms;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.channels.twilio.TwilioSettings;
import dev.switchboard.engine.ChannelSettings;
import dev.switchboard.engine.EngineSettings;
import dev.switchboard.engine.SwitchboardConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Twilio environment variables, through the jar's own {@code application.conf} and every
 * module's defaults, as a node reads them at start.
 */
class TwilioEnvironmentTest {

  /** The configuration a node starts on with these environment variables set. */
  private static Config withEnvironment(Map<String, String> environment) {
    return SwitchboardConfig.load(
        ConfigFactory.parseResources("application.conf")
            .withFallback(ConfigFactory.parseMap(environment)));
  }

  private static ChannelSettings sms(Config root) {
    return EngineSettings.create(root).channels().stream()
        .filter(c -> c.name().equals("sms"))
        .findFirst()
        .orElse(null);
  }

  @Test
  void theSidAndTokenEnableTwilioOnSmsWithTheOtherVariablesAsItsSettings() {
    Config root =
        withEnvironment(
            Map.of(
                "SWITCHBOARD_TWILIO_ACCOUNT_SID", "AC0123456789",
                "SWITCHBOARD_TWILIO_AUTH_TOKEN", "secret-token",
                "SWITCHBOARD_TWILIO_FROM", "+15005550006",
                "SWITCHBOARD_TWILIO_BASE_URL", "http://127.0.0.1:9999",
                "SWITCHBOARD_PUBLIC_URL", "https://sb.example.com"));

    ChannelSettings sms = sms(root);

    assertThat(sms.providers()).hasSize(1);
    ChannelSettings.ProviderInstance twilio = sms.providers().get(0);
    assertThat(twilio.name()).isEqualTo("twilio");
    assertThat(twilio.type()).isEqualTo("twilio");
    TwilioSettings settings = TwilioSettings.create(twilio.config(), root, "sms");
    assertThat(settings.accountSid()).isEqualTo("AC0123456789");
    assertThat(settings.authToken()).isEqualTo("secret-token");
    assertThat(settings.from()).isEqualTo("+15005550006");
    assertThat(settings.baseUrl()).isEqualTo("http://127.0.0.1:9999");
    assertThat(settings.statusCallback())
        .isEqualTo("https://sb.example.com/v1/channels/sms/twilio/status");
  }

  @Test
  void withoutABaseUrlItIsTwiliosAndWithAnSmscTooTwilioComesSecond() {
    Config root =
        withEnvironment(
            Map.of(
                "SWITCHBOARD_TWILIO_ACCOUNT_SID", "AC0123456789",
                "SWITCHBOARD_TWILIO_AUTH_TOKEN", "secret-token",
                "SWITCHBOARD_SMPP_URI", "smpp://sys:pw@127.0.0.1:2775?source=Switchboard"));

    ChannelSettings sms = sms(root);

    assertThat(sms.providers())
        .extracting(ChannelSettings.ProviderInstance::name)
        .containsExactly("smpp", "twilio");
    assertThat(TwilioSettings.create(sms.providers().get(1).config(), root, "sms").baseUrl())
        .isEqualTo("https://api.twilio.com");
  }

  @Test
  void aSidWithoutATokenEnablesNothing() {
    Config root = withEnvironment(Map.of("SWITCHBOARD_TWILIO_ACCOUNT_SID", "AC0123456789"));

    assertThat(sms(root)).isNull();
    assertThat(EngineSettings.create(root).channels())
        .extracting(ChannelSettings::name)
        .isEqualTo(List.of("sandbox"));
  }
}
