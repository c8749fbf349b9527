package dev.switchboard.channels.messenger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MessengerSettingsTest {
  private static final Config ROOT = ConfigFactory.defaultReference();

  private static MessengerSettings of(String instance) {
    return MessengerSettings.create(ConfigFactory.parseString(instance), ROOT);
  }

  @Test
  void theDefaultsAreTheRealGraphApiAndTheSendApisLimits() {
    MessengerSettings s = of("page-token = EAAtoken");

    assertThat(s.peer()).isEqualTo("https://graph.facebook.com/v21.0");
    assertThat(s.messagesUri()).hasToString("https://graph.facebook.com/v21.0/me/messages");
    assertThat(s.meUri()).hasToString("https://graph.facebook.com/v21.0/me?fields=id");
    assertThat(s.messagingType()).isEqualTo("RESPONSE");
    assertThat(s.webhookSegment()).isEqualTo("webhook");
    assertThat(s.account()).isEqualTo("default");
    assertThat(s.tps()).isEqualTo(250);
    assertThat(s.rateLimitPause()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.restrictedPause()).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void anInstanceBlockOverridesTheDefaultsAndATrailingSlashIsDropped() {
    MessengerSettings s =
        of(
            "page-token = t, base-url = \"http://127.0.0.1:8080/\", graph-version = v19.0,"
                + " messaging-type = update, window = 3, tps = 0");

    assertThat(s.peer()).isEqualTo("http://127.0.0.1:8080/v19.0");
    assertThat(s.messagingType()).isEqualTo("UPDATE");
    assertThat(s.window()).isEqualTo(3);
  }

  @Test
  void badSettingsAreRefusedByName() {
    assertThatThrownBy(() -> of("page-token = \"\"")).hasMessageContaining("page-token");
    assertThatThrownBy(() -> of("page-token = t, graph-version = 21"))
        .hasMessageContaining("graph-version");
    assertThatThrownBy(() -> of("page-token = t, base-url = \"ftp://x\""))
        .hasMessageContaining("base-url");
    assertThatThrownBy(() -> of("page-token = t, messaging-type = MESSAGE_TAG"))
        .hasMessageContaining("messaging-type");
    assertThatThrownBy(() -> of("page-token = t, webhook-segment = \"a/b\""))
        .hasMessageContaining("webhook-segment");
  }

  @Test
  void toStringHidesTheTokenAndTheSecrets() {
    MessengerSettings s =
        of("page-token = EAAtoken123, app-secret = appsecret456, verify-token = verify789");

    assertThat(s.toString())
        .doesNotContain("EAAtoken123", "appsecret456", "verify789")
        .contains("pageToken=***");
  }
}
