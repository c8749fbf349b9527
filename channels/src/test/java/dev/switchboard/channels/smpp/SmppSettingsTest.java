package dev.switchboard.channels.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SmppSettingsTest {

  @Test
  void defaultsComeFromReferenceConf() {
    SmppSettings s =
        SmppSettings.create(
            ConfigFactory.parseString("system-id = sys, password = secret"),
            ConfigFactory.defaultReference());
    assertThat(s.host()).isEqualTo("localhost");
    assertThat(s.port()).isEqualTo(2775);
    assertThat(s.bind()).isEqualTo(SmppSettings.BindMode.TRANSCEIVER);
    assertThat(s.window()).isEqualTo(10);
    assertThat(s.tps()).isEqualTo(50);
    assertThat(s.enquireLinkInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.responseTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.bindTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.registeredDelivery()).isTrue();
    assertThat(s.account()).isEqualTo("default");
    assertThat(s.moReassemblyTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.receiptIdFormat()).isEqualTo(SmscMessageIds.Format.AUTO);
    assertThat(s.receiptIdWait()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.durableAckTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.toString()).doesNotContain("secret");
  }

  @Test
  void aUriWinsOverTheKeysItNames() {
    SmppSettings s =
        SmppSettings.create(
            ConfigFactory.parseString(
                "uri = \"smpp://acme:p%40ss@smsc.example:2776?tps=5\", window = 3, port = 1"),
            ConfigFactory.defaultReference());
    assertThat(s.peer()).isEqualTo("smsc.example:2776 as acme");
    assertThat(s.password()).isEqualTo("p@ss");
    assertThat(s.tps()).isEqualTo(5);
    assertThat(s.window()).isEqualTo(3);
  }

  @Test
  void uriCarriesEveryParameter() {
    SmppSettings s =
        SmppUri.parse(
            "smpp://sys%20id:se%2Bcr%3Aet@127.0.0.1:2775?source=%2B447700900123&bind=transmitter"
                + "&window=4&tps=20&system_type=cp");
    assertThat(s.systemId()).isEqualTo("sys id");
    assertThat(s.password()).isEqualTo("se+cr:et");
    assertThat(s.source()).isEqualTo("+447700900123");
    assertThat(s.bind()).isEqualTo(SmppSettings.BindMode.TRANSMITTER);
    assertThat(s.window()).isEqualTo(4);
    assertThat(s.tps()).isEqualTo(20);
    assertThat(s.systemType()).isEqualTo("cp");
    assertThat(s.toString()).doesNotContain("se+cr");
  }

  @Test
  void badUrisGiveClearErrorsWithoutThePassword() {
    assertThatThrownBy(() -> SmppUri.parse("http://u:topsecre@h:1"))
        .hasMessageContaining("smpp://")
        .hasMessageNotContaining("topsecre");
    assertThatThrownBy(() -> SmppUri.parse("smpp://u:topsecre@h"))
        .hasMessageContaining("no port")
        .hasMessageNotContaining("topsecre");
    assertThatThrownBy(() -> SmppUri.parse("smpp://h:2775"))
        .hasMessageContaining("<system_id>:<password>@");
    assertThatThrownBy(() -> SmppUri.parse("smpp://u:top secret@h:1"))
        .hasMessageContaining("malformed")
        .hasMessageNotContaining("secret");
    assertThatThrownBy(() -> SmppUri.parse("smpp://u:topsecre@h:1?colour=red"))
        .hasMessageContaining("colour")
        .hasMessageNotContaining("topsecre");
    assertThatThrownBy(() -> SmppUri.parse("smpp://u:topsecre@h:1?window=many"))
        .hasMessageContaining("window must be a number");
    assertThatThrownBy(() -> SmppUri.parse("smpp://u:topsecre@h:1?bind=receiver"))
        .hasMessageContaining("transceiver or transmitter");
    assertThatThrownBy(() -> SmppUri.parse("smpp://u:toolongsecret@h:1"))
        .hasMessageContaining("password is longer than 8")
        .hasMessageNotContaining("toolongsecret");
    assertThatThrownBy(() -> SmppUri.parse("smpp://u:topsecre@h:1?window=0"))
        .hasMessageContaining("window must be at least 1");
  }
}
