package dev.switchboard.bench.jar;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar runs on Switchboard's Pekko settings, not on Pekko's defaults: in the jar every
 * {@code reference.conf} is concatenated into one, so a module's override of a library's key there
 * loses or wins by the merge order. Reads the settings in a JVM whose class path is the jar alone
 * (and this probe), from an empty working directory, as an operator's {@code java -jar} would.
 */
class ShadedJarSettingsTest {
  private static final Path JAR = Path.of("..", "http", "target", "switchboard.jar");

  @Test
  void theJarRunsWithOurHttpServerSettings() throws Exception {
    Config effective = effectiveSettings();

    assertThat(effective.getDuration("http.server.request-timeout"))
        .isEqualTo(Duration.ofSeconds(15));
    assertThat(effective.getBytes("http.server.parsing.max-content-length"))
        .isEqualTo(1024L * 1024);
    assertThat(effective.getString("actor.provider")).isEqualTo("cluster");
  }

  @Test
  void everyPekkoSettingOfOursIsTheJarsEffectiveOne() throws Exception {
    Config effective = effectiveSettings();

    for (String file : List.of("switchboard-http-pekko.conf", "switchboard-pekko.conf")) {
      Config ours = ConfigFactory.parseResources(file);
      assertThat(ours.hasPath("pekko")).as(file + " on the class path").isTrue();
      ours.getConfig("pekko")
          .entrySet()
          .forEach(
              setting ->
                  assertThat(effective.getValue(setting.getKey()).unwrapped())
                      .as(file + ": pekko." + setting.getKey())
                      .isEqualTo(setting.getValue().unwrapped()));
    }
  }

  private static Config effectiveSettings() throws Exception {
    assertThat(JAR).as("the shaded jar (built by the reactor's package phase)").isRegularFile();
    Path workDir = Files.createTempDirectory("switchboard-jar-settings");
    Path out = workDir.resolve("probe.out");
    String classPath =
        JAR.toAbsolutePath()
            + File.pathSeparator
            + Path.of(
                    EffectiveSettingsProbe.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toAbsolutePath();
    Process process =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    classPath,
                    EffectiveSettingsProbe.class.getName()))
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the probe finished").isTrue();
    String output = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isZero();
    String json = output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
    return ConfigFactory.parseString(json);
  }
}
