package dev.switchboard.channels.twitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class XSettingsTest {
  private static final Config ROOT = ConfigFactory.defaultReference();

  private static XSettings create(String block) {
    return XSettings.create(ConfigFactory.parseString(block), ROOT);
  }

  @Test
  void theDefaultsAreTheRealApiAndTheInstanceBlockWins() {
    XSettings settings =
        create(
            "access-token = at-1, refresh-token = rt-1, client-id = cid, consumer-secret = cs,"
                + " base-url = \"http://127.0.0.1:9/\", window = 2");

    assertThat(settings.baseUrl()).hasToString("http://127.0.0.1:9");
    assertThat(settings.window()).isEqualTo(2);
    assertThat(settings.refreshable()).isTrue();
    assertThat(settings.confidential()).isFalse();
    assertThat(settings.account()).isEqualTo("default");
    assertThat(settings.usageCapRetry()).isEqualTo(Duration.ofHours(1));
    assertThat(create("access-token = at-1").baseUrl()).hasToString("https://api.x.com");
    assertThat(create("access-token = at-1").peer()).isEqualTo("https://api.x.com");
  }

  @Test
  void itNeverShowsATokenOrSecret() {
    XSettings settings =
        create(
            "access-token = at-secret, refresh-token = rt-secret, client-id = cid,"
                + " client-secret = cl-secret, consumer-secret = cs-secret");

    assertThat(settings.toString())
        .doesNotContain("at-secret", "rt-secret", "cl-secret", "cs-secret")
        .contains("api.x.com");
  }

  @Test
  void whatCannotWorkIsRefusedAtStartWithoutEchoingSecrets() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> create("access-token = \"\""))
        .withMessageContaining("SWITCHBOARD_X_ACCESS_TOKEN");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> create("access-token = at, refresh-token = rt-secret"))
        .withMessageContaining("client-id")
        .withMessageNotContaining("rt-secret");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> create("access-token = at, base-url = \"ftp://x\""));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> create("access-token = at, base-url = \"https://u:p@api.x.com\""))
        .withMessageNotContaining("u:p");
  }
}
