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

  private static final Config NO_ENVIRONMENT = ConfigFactory.empty();

  private static Config smpp(String uri) {
    return ConfigFactory.parseString(
        "smpp { channel = sms, type = smpp, order = 10, requires = [uri], uri = \"" + uri + "\" }");
  }

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
            channels("sandbox { provider = sandbox }\nsms { provider = sandbox, tps = 3 }"),
            NO_ENVIRONMENT);

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
            NO_ENVIRONMENT);

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
                    channels("sms { providers = [{ type = sandbox }, { type = sandbox }] }"),
                    NO_ENVIRONMENT))
        .withMessageContaining("two provider instances are named 'sms.sandbox'");
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                ChannelSettings.all(
                    channels(
                        "sms { providers = [{ type = http, name = shared }] }\n"
                            + "messenger { providers = [{ type = http, name = shared }] }"),
                    NO_ENVIRONMENT))
        .withMessageContaining("'shared'");
  }

  @Test
  void anUnknownChannelIsRefusedByName() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () -> ChannelSettings.all(channels("fax { provider = sandbox }"), NO_ENVIRONMENT))
        .withMessageContaining("switchboard.engine.channels.fax")
        .withMessageContaining("sms, messenger, twitter, sandbox");
  }

  @Test
  void anSmppUriEnablesSmsWithAnSmppInstance() {
    List<ChannelSettings> all =
        ChannelSettings.all(channels("sandbox { provider = sandbox }"), smpp(SMPP_URI));

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
        ChannelSettings.all(channels("sms { provider = http, token = t1 }"), smpp(SMPP_URI));

    ChannelSettings sms = shorthand.get(0);
    assertThat(names(sms)).containsExactly("smpp", "sms.http");
    assertThat(types(sms)).containsExactly("smpp", "http");
    assertThat(sms.providers().get(1).config().getString("token")).isEqualTo("t1");

    List<ChannelSettings> list =
        ChannelSettings.all(
            channels("sms { providers = [{ type = http, name = backup, tps = 7 }] }"),
            smpp(SMPP_URI));
    assertThat(names(list.get(0))).containsExactly("smpp", "backup");
    assertThat(list.get(0).providers().get(1).config().getInt("tps")).isEqualTo(7);
  }

  @Test
  void aChannelSetToNullEmptyOrNotEnabledIsNotServed() {
    Config reference = channels("sandbox { provider = sandbox }\nsms { provider = sandbox }");

    List<ChannelSettings> nulled =
        ChannelSettings.all(channels("sandbox = null").withFallback(reference), NO_ENVIRONMENT);
    List<ChannelSettings> off =
        ChannelSettings.all(
            channels("sandbox { enabled = off }").withFallback(reference), NO_ENVIRONMENT);

    List<ChannelSettings> empty =
        ChannelSettings.all(channels("sandbox {}\nsms { provider = sandbox }"), NO_ENVIRONMENT);

    assertThat(nulled).extracting(ChannelSettings::name).containsExactly("sms");
    assertThat(off).extracting(ChannelSettings::name).containsExactly("sms");
    assertThat(empty).extracting(ChannelSettings::name).containsExactly("sms");
    assertThat(
            ChannelSettings.all(
                channels("sandbox { enabled = on }").withFallback(reference), NO_ENVIRONMENT))
        .extracting(ChannelSettings::name)
        .containsExactly("sandbox", "sms");
  }

  @Test
  void theSandboxTurnedOffWithAnSmppUriLeavesSmsOverSmppAlone() {
    List<ChannelSettings> all =
        ChannelSettings.all(
            channels("sandbox { provider = sandbox, enabled = false }\nsms { enabled = false }"),
            smpp(SMPP_URI));

    assertThat(all).extracting(ChannelSettings::name).containsExactly("sms");
    assertThat(names(all.get(0))).containsExactly("smpp");
  }

  @Test
  void everyChannelOffIsRefused() {
    assertThatIllegalArgumentException()
        .isThrownBy(
            () ->
                ChannelSettings.all(
                    channels("sandbox { provider = sandbox, enabled = off }"), NO_ENVIRONMENT))
        .withMessageContaining("enables no channel");
  }

  @Test
  void aBlankSmppUriChangesNothing() {
    List<ChannelSettings> all =
        ChannelSettings.all(channels("sms { provider = http }"), smpp("  "));

    assertThat(names(all.get(0))).containsExactly("sms.http");
  }

  @Test
  void environmentInstancesGoFirstInTheirOrderAndOnlyWhenEveryRequiredKeyIsGiven() {
    Config environment =
        smpp(SMPP_URI)
            .withFallback(
                ConfigFactory.parseString(
                    "twilio { channel = sms, type = twilio, order = 20,"
                        + " requires = [account-sid, auth-token], account-sid = AC1,"
                        + " auth-token = tok, base-url = \"http://127.0.0.1:1\" }\n"
                        + "messenger { channel = messenger, type = messenger, order = 10,"
                        + " requires = [page-token], page-token = \"\" }"));

    List<ChannelSettings> all =
        ChannelSettings.all(channels("sms { provider = sandbox }"), environment);

    assertThat(all).extracting(ChannelSettings::name).containsExactly("sms");
    ChannelSettings sms = all.get(0);
    assertThat(names(sms)).containsExactly("smpp", "twilio", "sms.sandbox");
    Config twilio = sms.providers().get(1).config();
    assertThat(twilio.getString("auth-token")).isEqualTo("tok");
    assertThat(twilio.getString("base-url")).isEqualTo("http://127.0.0.1:1");
    assertThat(twilio.hasPath("requires")).isFalse();
  }
}
