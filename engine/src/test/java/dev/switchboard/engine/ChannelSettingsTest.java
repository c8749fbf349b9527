package dev.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.engine.message.ChannelKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelSettingsTest {
  private static final String SMPP_URI = "smpp://sys:secret@127.0.0.1:2775?source=Switchboard";

  private static Config channels(String text) {
    return ConfigFactory.parseString(text);
  }

  private static List<String> names(ChannelSettings channel) {
    return channel.providers().stream().map(ChannelSettings.ProviderInstance::name).toList();
  }

  private static List<String> types(ChannelSettings channel) {
    return channel.providers().stream().map(ChannelSettings.ProviderInstance::type).toList();
  }

  @Test
  void theShorthandIsOneInstanceNamedAfterItsTypeOrChannelDotType() {
    List<ChannelSettings> all =
        ChannelSettings.all(
            channels("sandbox { provider = sandbox }\nsms { provider = sandbox, tps = 3 }"), "");

    assertThat(all).extracting(ChannelSettings::name).containsExactly("sandbox", "sms");
    assertThat(all.get(0).kind()).isEqualTo(ChannelKind.SANDBOX);
    assertThat(names(all.get(0))).containsExactly("sandbox");
    assertThat(all.get(1).kind()).isEqualTo(ChannelKind.SMS);
    assertThat(names(all.get(1))).containsExactly("sms.sandbox");
    assertThat(types(all.get(1))).containsExactly("sandbox");
    // The instance's settings sit beside the shorthand.
    assertThat(all.get(1).providers().get(0).config().getInt("tps")).isEqualTo(3);
  }

  @Test
  void theListFormKeepsOrderNamesAndEachInstancesOwnSettings() {
    List<ChannelSettings> all =
        ChannelSettings.all(
            channels(
                "sms { providers = [\n"
                    + "  { type = http, name = primary, window = 4 },\n"
                    + "  { type = sandbox }\n"
                    + "] }"),
            "");

    ChannelSettings sms = all.get(0);
    assertThat(names(sms)).containsExactly("primary", "sms.sandbox");
    assertThat(types(sms)).containsExactly("http", "sandbox");
    assertThat(sms.providers().get(0).config().getInt("window")).isEqualTo(4);
    assertThat(sms.providers().get(1).config().hasPath("window")).isFalse();
  }

  @Test
  void twoInstancesWithOneNameAreRefusedByName() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                ChannelSettings.all(
                    channels("sms { providers = [{ type = sandbox }, { type = sandbox }] }"), ""))
        .withMessageContaining("two provider instances are named 'sms.sandbox'");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                ChannelSettings.all(
                    channels(
                        "sms { providers = [{ type = http, name = shared }] }\n"
                            + "messenger { providers = [{ type = http, name = shared }] }"),
                    ""))
        .withMessageContaining("'shared'");
  }

  @Test
  void anUnknownChannelIsRefusedByName() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ChannelSettings.all(channels("fax { provider = sandbox }"), ""))
        .withMessageContaining("switchboard.engine.channels.fax")
        .withMessageContaining("sms, messenger, twitter, sandbox");
  }

  @Test
  void anSmppUriEnablesSmsWithAnSmppInstance() {
    List<ChannelSettings> all =
        ChannelSettings.all(channels("sandbox { provider = sandbox }"), SMPP_URI);

    assertThat(all).extracting(ChannelSettings::name).containsExactly("sandbox", "sms");
    ChannelSettings sms = all.get(1);
    assertThat(sms.kind()).isEqualTo(ChannelKind.SMS);
    assertThat(names(sms)).containsExactly("smpp");
    assertThat(types(sms)).containsExactly("smpp");
    assertThat(sms.providers().get(0).config().getString("uri")).isEqualTo(SMPP_URI);
    assertThat(names(all.get(0))).containsExactly("sandbox");
  }

  @Test
  void anSmppUriGoesFirstAndKeepsTheConfiguredSmsProviderSecond() {
    List<ChannelSettings> shorthand =
        ChannelSettings.all(channels("sms { provider = http, token = t1 }"), SMPP_URI);

    ChannelSettings sms = shorthand.get(0);
    assertThat(names(sms)).containsExactly("smpp", "sms.http");
    assertThat(types(sms)).containsExactly("smpp", "http");
    assertThat(sms.providers().get(1).config().getString("token")).isEqualTo("t1");

    List<ChannelSettings> list =
        ChannelSettings.all(
            channels("sms { providers = [{ type = http, name = backup, tps = 7 }] }"), SMPP_URI);
    assertThat(names(list.get(0))).containsExactly("smpp", "backup");
    assertThat(list.get(0).providers().get(1).config().getInt("tps")).isEqualTo(7);
  }

  @Test
  void aChannelSetToNullEmptyOrNotEnabledIsNotServed() {
    Config reference = channels("sandbox { provider = sandbox }\nsms { provider = sandbox }");

    List<ChannelSettings> nulled =
        ChannelSettings.all(channels("sandbox = null").withFallback(reference), "");
    List<ChannelSettings> off =
        ChannelSettings.all(channels("sandbox { enabled = off }").withFallback(reference), "");

    List<ChannelSettings> empty =
        ChannelSettings.all(channels("sandbox {}\nsms { provider = sandbox }"), "");

    assertThat(nulled).extracting(ChannelSettings::name).containsExactly("sms");
    assertThat(off).extracting(ChannelSettings::name).containsExactly("sms");
    assertThat(empty).extracting(ChannelSettings::name).containsExactly("sms");
    assertThat(
            ChannelSettings.all(channels("sandbox { enabled = on }").withFallback(reference), ""))
        .extracting(ChannelSettings::name)
        .containsExactly("sandbox", "sms");
  }

  @Test
  void theSandboxTurnedOffWithAnSmppUriLeavesSmsOverSmppAlone() {
    List<ChannelSettings> all =
        ChannelSettings.all(
            channels("sandbox { provider = sandbox, enabled = false }\nsms { enabled = false }"),
            SMPP_URI);

    assertThat(all).extracting(ChannelSettings::name).containsExactly("sms");
    assertThat(names(all.get(0))).containsExactly("smpp");
  }

  @Test
  void everyChannelOffIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                ChannelSettings.all(channels("sandbox { provider = sandbox, enabled = off }"), ""))
        .withMessageContaining("enables no channel");
  }

  @Test
  void aBlankSmppUriChangesNothing() {
    List<ChannelSettings> all = ChannelSettings.all(channels("sms { provider = http }"), "  ");

    assertThat(names(all.get(0))).containsExactly("sms.http");
  }
}
