package dev.switchboard.bench.jar;

import com.typesafe.config.ConfigRenderOptions;
import dev.switchboard.http.Main;
import dev.switchboard.http.SwitchboardApp;

/**
 * Run on the class path of the shaded jar: prints the {@code pekko} settings a node started by the
 * jar's {@code Main} would run on, as JSON, and starts nothing.
 */
public final class EffectiveSettingsProbe {
  private EffectiveSettingsProbe() {}

  public static void main(String[] args) {
    System.out.println(
        SwitchboardApp.configuration(Main.load())
            .getConfig("pekko")
            .root()
            .render(ConfigRenderOptions.concise()));
  }
}
