package dev.switchboard.engine.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BrokerSettingsTest {

  private static Config config(String broker) {
    return ConfigFactory.parseString(broker)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @Test
  void parsesSitesInOrderWithTheirUris() {
    List<Site> sites =
        BrokerSettings.parseSites("primary=amqp://a:1/v,amqp://b:2/v;secondary=amqp://c:3");

    assertThat(sites)
        .containsExactly(
            new Site("primary", List.of("amqp://a:1/v", "amqp://b:2/v")),
            new Site("secondary", List.of("amqp://c:3")));
  }

  @Test
  void blankPartsAndSpacesAreIgnored() {
    List<Site> sites =
        BrokerSettings.parseSites(
            " ; primary = amqp://a:1 , , amqp://b:2 ;; ;secondary=amqp://c:3,;");

    assertThat(sites)
        .containsExactly(
            new Site("primary", List.of("amqp://a:1", "amqp://b:2")),
            new Site("secondary", List.of("amqp://c:3")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "amqp-without-name",
        "primary=amqp://a;amqp://b",
        "=amqp://a",
        " =amqp://a",
        "primary=",
        "primary=,;",
        "",
        " ; ; "
      })
  void malformedSitesAreRejected(String text) {
    assertThatIllegalArgumentException().isThrownBy(() -> BrokerSettings.parseSites(text));
  }

  @Test
  void emptySitesFallBackToOnePrimarySiteWithTheUri() {
    BrokerSettings settings =
        BrokerSettings.create(config("switchboard.broker.uri = \"amqp://u:p@broker-1:5673/vh\""));

    assertThat(settings.sites())
        .containsExactly(new Site("primary", List.of("amqp://u:p@broker-1:5673/vh")));
  }

  @Test
  void sitesOverrideTheUri() {
    BrokerSettings settings =
        BrokerSettings.create(
            config(
                "switchboard.broker.uri = \"amqp://ignored:5672\"\n"
                    + "switchboard.broker.sites = \"east=amqp://e1:5672,amqp://e2:5672;"
                    + "west=amqp://w1:5672\""));

    assertThat(settings.sites())
        .containsExactly(
            new Site("east", List.of("amqp://e1:5672", "amqp://e2:5672")),
            new Site("west", List.of("amqp://w1:5672")));
  }

  @Test
  void readsTheOtherSettingsFromTheReference() {
    BrokerSettings settings =
        BrokerSettings.create(
            config(
                "switchboard.broker.uri = \"amqp://a:1\"\n"
                    + "switchboard.broker.prefetch = 7\n"
                    + "switchboard.broker.heartbeat = 3s"));

    assertThat(settings.prefetch()).isEqualTo(7);
    assertThat(settings.heartbeat()).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.deliveryLimit()).isEqualTo(20);
    assertThat(settings.restartMinBackoff()).isEqualTo(Duration.ofMillis(500));
    assertThat(settings.restartMaxBackoff()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.restartRandomFactor()).isEqualTo(0.2);
    assertThat(settings.blockingDispatcher()).isEqualTo("switchboard.broker.blocking-dispatcher");
  }
}
