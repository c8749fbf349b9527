package dev.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigResolveOptions;
import dev.switchboard.engine.ChannelSettings;
import dev.switchboard.engine.EngineSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the jar finds its configuration: a {@code -Dconfig.file} that includes the application's
 * configuration keeps the {@code SWITCHBOARD_*} mappings, also when named without a directory; one
 * that does not exist stops the start instead of running on defaults.
 */
class MainTest {
  private static final String PROPERTY = "config.file";
  private Path created;

  @AfterEach
  void restore() throws IOException {
    System.clearProperty(PROPERTY);
    if (created != null) {
      Files.deleteIfExists(created);
    }
  }

  @Test
  void aConfigFileNamedWithoutADirectoryKeepsTheEnvironmentMappings() throws IOException {
    // In the working directory, as an operator runs java -Dconfig.file=prod.conf -jar ...
    created = Path.of("main-test-" + UUID.randomUUID() + ".conf");
    Files.writeString(created, "include \"application\"\nswitchboard.http.host = \"10.0.0.1\"\n");
    System.setProperty(PROPERTY, created.toString());

    Config resolved = withEnvironment(Main.load(), Map.of("SWITCHBOARD_HTTP_PORT", "8443"));

    assertThat(resolved.getInt("switchboard.http.port")).isEqualTo(8443);
    assertThat(resolved.getString("switchboard.http.host")).isEqualTo("10.0.0.1");
  }

  @Test
  void includeClasspathApplicationConfWorksFromAnyDirectory() throws IOException {
    Path file = Files.createTempFile("main-test", ".conf");
    Files.writeString(file, "include classpath(\"application.conf\")\n");
    System.setProperty(PROPERTY, file.toString());

    Config resolved =
        withEnvironment(Main.load(), Map.of("SWITCHBOARD_HTTP_TLS_KEY_STORE", "/etc/api.p12"));

    assertThat(resolved.getString("switchboard.http.tls.key-store")).isEqualTo("/etc/api.p12");
  }

  @Test
  void theEnvironmentTurnsTheSandboxOffAndSmsOverSmppOn() throws IOException {
    Path file = Files.createTempFile("main-test", ".conf");
    Files.writeString(file, "include classpath(\"application.conf\")\n");
    System.setProperty(PROPERTY, file.toString());
    Config application =
        withEnvironment(
            Main.load(),
            Map.of(
                "SWITCHBOARD_SANDBOX_ENABLED", "false",
                "SWITCHBOARD_SMPP_URI", "smpp://sys:pw@127.0.0.1:2775?source=Switchboard"));

    EngineSettings settings = EngineSettings.create(SwitchboardApp.configuration(application));

    assertThat(settings.channels()).extracting(ChannelSettings::name).containsExactly("sms");
  }

  @Test
  void theProductionGuidesFileTakesItsSettingsAndLetsTheEnvironmentWin() throws IOException {
    Path file = Files.createTempFile("main-test", ".conf");
    Files.writeString(
        file,
        "switchboard.http.port = 9000\n"
            + "switchboard.engine.channels = null\n"
            + "switchboard.engine.channels { sms { provider = sandbox } }\n"
            + "include classpath(\"application.conf\")\n");
    System.setProperty(PROPERTY, file.toString());

    Config unset = SwitchboardApp.configuration(withEnvironment(Main.load(), Map.of()));
    Config set =
        SwitchboardApp.configuration(
            withEnvironment(Main.load(), Map.of("SWITCHBOARD_HTTP_PORT", "9100")));

    assertThat(unset.getInt("switchboard.http.port")).isEqualTo(9000);
    assertThat(set.getInt("switchboard.http.port")).isEqualTo(9100);
    assertThat(EngineSettings.create(unset).channels())
        .extracting(ChannelSettings::name)
        .containsExactly("sms");
  }

  @Test
  void aMissingConfigFileStopsTheStartWithOneLine() {
    String missing = "/nonexistent/" + UUID.randomUUID() + "/prod.conf";
    System.setProperty(PROPERTY, missing);

    Throwable failure = catchThrowable(Main::load);

    assertThat(failure).isInstanceOf(ConfigException.class);
    assertThat(Main.describe(failure))
        .isEqualTo("Invalid value at 'config.file': no file at " + missing);
  }

  // ${?VAR} looked up in the given map (as top-level keys) instead of the process's environment.
  private static Config withEnvironment(Config application, Map<String, String> env) {
    return application
        .withFallback(ConfigFactory.parseMap(env))
        .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
  }
}
