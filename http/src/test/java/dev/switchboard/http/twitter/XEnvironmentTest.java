package dev.switchboard.http.twitter;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.channels.twitter.XSettings;
import dev.switchboard.engine.ChannelSettings;
import dev.switchboard.engine.EngineSettings;
import dev.switchboard.engine.SwitchboardConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped application.conf read with a given environment, as the jar reads its own. */
class XEnvironmentTest {

  private static Config withEnvironment(Map<String, String> environment) {
    return SwitchboardConfig.load(
        ConfigFactory.parseResources("application.conf")
            .resolveWith(ConfigFactory.parseMap(environment)));
  }

  @Test
  void theXAccessTokenEnablesTheTwitterChannelOnTheXApiWithEveryXVariable() {
    Config root =
        withEnvironment(
            Map.of(
                "SWITCHBOARD_X_ACCESS_TOKEN", "at-env",
                "SWITCHBOARD_X_REFRESH_TOKEN", "rt-env",
                "SWITCHBOARD_X_CLIENT_ID", "client-env",
                "SWITCHBOARD_X_CLIENT_SECRET", "secret-env",
                "SWITCHBOARD_X_CONSUMER_SECRET", "consumer-env",
                "SWITCHBOARD_X_BASE_URL", "http://127.0.0.1:9"));

    List<ChannelSettings> channels = EngineSettings.create(root).channels();

    ChannelSettings twitter =
        channels.stream().filter(c -> c.name().equals("twitter")).findFirst().orElseThrow();
    assertThat(twitter.providers()).hasSize(1);
    ChannelSettings.ProviderInstance instance = twitter.providers().get(0);
    assertThat(instance.type()).isEqualTo("twitter");
    assertThat(instance.name()).isEqualTo("twitter");
    XSettings x = XSettings.create(instance.config(), root);
    assertThat(x.baseUrl()).hasToString("http://127.0.0.1:9");
    assertThat(x.accessToken()).isEqualTo("at-env");
    assertThat(x.refreshToken()).isEqualTo("rt-env");
    assertThat(x.clientId()).isEqualTo("client-env");
    assertThat(x.clientSecret()).isEqualTo("secret-env");
    assertThat(x.consumerSecret()).isEqualTo("consumer-env");
    // The rest are the type's defaults.
    assertThat(x.account()).isEqualTo("default");
    assertThat(x.persistTokens()).isTrue();
  }

  @Test
  void withoutTheAccessTokenThereIsNoTwitterChannelAndTheRealApiIsTheDefault() {
    Config none = withEnvironment(Map.of("SWITCHBOARD_X_CONSUMER_SECRET", "consumer-env"));
    Config minimal = withEnvironment(Map.of("SWITCHBOARD_X_ACCESS_TOKEN", "at-env"));

    assertThat(EngineSettings.create(none).channels())
        .extracting(ChannelSettings::name)
        .doesNotContain("twitter");
    ChannelSettings.ProviderInstance instance =
        EngineSettings.create(minimal).channels().stream()
            .filter(c -> c.name().equals("twitter"))
            .findFirst()
            .orElseThrow()
            .providers()
            .get(0);
    XSettings x = XSettings.create(instance.config(), minimal);
    assertThat(x.baseUrl()).hasToString("https://api.x.com");
    assertThat(x.refreshable()).isFalse();
    assertThat(x.consumerSecret()).isEmpty();
  }
}
