package dev.switchboard.http.messenger;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import dev.switchboard.channels.messenger.MessengerSettings;
import dev.switchboard.engine.ChannelSettings;
import dev.switchboard.engine.SwitchboardConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code SWITCHBOARD_MESSENGER_*} variables, through the shipped {@code application.conf},
 * enable the {@code messenger} channel with a Messenger instance carrying them.
 */
class MessengerEnvironmentTest {

  /** The node's configuration as if the process had {@code environment}. */
  private static Config withEnvironment(Map<String, String> environment) {
    Config application =
        ConfigFactory.parseResources("application.conf")
            .resolveWith(
                ConfigFactory.parseMap(environment),
                ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
    return SwitchboardConfig.load(application);
  }

  private static List<ChannelSettings> channels(Config root) {
    return ChannelSettings.all(
        root.getConfig("switchboard.engine.channels"),
        root.getConfig("switchboard.engine.environment-providers"));
  }

  @Test
  void thePageTokenEnablesMessengerWithTheOtherVariablesAsItsSettings() {
    Config root =
        withEnvironment(
            Map.of(
                "SWITCHBOARD_MESSENGER_PAGE_TOKEN", "EAAenv-token",
                "SWITCHBOARD_MESSENGER_APP_SECRET", "env-app-secret",
                "SWITCHBOARD_MESSENGER_VERIFY_TOKEN", "env-verify",
                "SWITCHBOARD_MESSENGER_BASE_URL", "http://127.0.0.1:9999"));

    ChannelSettings messenger =
        channels(root).stream().filter(c -> c.name().equals("messenger")).findFirst().orElseThrow();
    assertThat(messenger.providers()).hasSize(1);
    ChannelSettings.ProviderInstance instance = messenger.providers().get(0);
    assertThat(instance.name()).isEqualTo("messenger");
    assertThat(instance.type()).isEqualTo("messenger");
    MessengerSettings settings = MessengerSettings.create(instance.config(), root);
    assertThat(settings.pageToken()).isEqualTo("EAAenv-token");
    assertThat(settings.appSecret()).isEqualTo("env-app-secret");
    assertThat(settings.verifyToken()).isEqualTo("env-verify");
    assertThat(settings.peer()).isEqualTo("http://127.0.0.1:9999/v21.0");
  }

  @Test
  void withoutABaseUrlTheRealGraphApiIsUsed() {
    Config root = withEnvironment(Map.of("SWITCHBOARD_MESSENGER_PAGE_TOKEN", "EAAenv-token"));

    ChannelSettings messenger =
        channels(root).stream().filter(c -> c.name().equals("messenger")).findFirst().orElseThrow();
    MessengerSettings settings =
        MessengerSettings.create(messenger.providers().get(0).config(), root);
    assertThat(settings.peer()).isEqualTo("https://graph.facebook.com/v21.0");
    assertThat(settings.appSecret()).isEmpty();
  }

  @Test
  void withoutAPageTokenThereIsNoMessengerChannel() {
    Config root = withEnvironment(Map.of("SWITCHBOARD_MESSENGER_APP_SECRET", "env-app-secret"));

    assertThat(channels(root)).extracting(ChannelSettings::name).doesNotContain("messenger");
  }
}
